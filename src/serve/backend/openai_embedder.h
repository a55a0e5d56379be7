// OpenAiEmbedder: embeddings from any OpenAI-compatible POST /v1/embeddings endpoint,
// requested in batches through a BackendClient and L2-normalized on arrival so they
// mix with the rest of the pipeline exactly like the built-in embedder's.
//
// Contract:
// - The constructor embeds one probe text to learn the dimension (throwing
//   std::runtime_error with the URL and the reason when the endpoint cannot serve).
// - embed() blocks a worker thread, one request per `batch` texts; it throws
//   std::runtime_error when a batch fails or returns vectors of another dimension, and
//   EmbeddingInterrupted when the client shut down or the call was cancelled.
// - embed_async() returns at once and sends ONE request for all its texts (the caller
//   batches). `done` runs exactly once: on the backend client's loop thread, or at once
//   on the calling thread when the client refuses the call up front (see BackendClient)
//   or `texts` is empty (no request, no vectors, no error). It gets the L2-normalized
//   vectors in input order and an empty error, or no vectors and the reason (the same
//   checks and messages as embed()). It must be quick; it does not need the embedder to
//   outlive the call.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "serve/backend/backend_client.h"
#include "serve/embed/embedder.h"

namespace ragscale::serve {

class OpenAiEmbedder final : public Embedder {
 public:
  OpenAiEmbedder(BackendClient& client, std::string model, size_t batch, std::chrono::milliseconds timeout);
  size_t dimension() const override { return dimension_; }
  std::vector<Embedding> embed(const std::vector<std::string>& texts) override;
  std::string name() const override { return "openai:" + model_; }

  // Without waiting, in one request: see the contract.
  void embed_async(std::vector<std::string> texts, std::chrono::milliseconds timeout,
                   std::function<void(std::vector<Embedding> vectors, std::string error)> done);

 private:
  std::vector<Embedding> embed_batch(const std::vector<std::string>& texts, size_t begin, size_t end);
  std::string request_body(const std::vector<std::string>& texts, size_t begin, size_t end) const;

  BackendClient& client_;
  std::string model_;
  size_t batch_;
  std::chrono::milliseconds timeout_;
  size_t dimension_ = 0;
};

}  // namespace ragscale::serve
