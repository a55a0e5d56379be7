// OpenAiEmbedder: embeddings from any OpenAI-compatible POST /v1/embeddings endpoint,
// requested in batches through a BackendClient and L2-normalized on arrival so they
// mix with the rest of the pipeline exactly like the built-in embedder's.
//
// Contract: the constructor embeds one probe text to learn the dimension (throwing
// std::runtime_error with the URL and the reason when the endpoint cannot serve);
// embed() throws std::runtime_error when a batch fails or returns vectors of another
// dimension. Thread-safe.
#pragma once

#include <chrono>
#include <string>

#include "serve/backend/backend_client.h"
#include "serve/embed/embedder.h"

namespace ragscale::serve {

class OpenAiEmbedder final : public Embedder {
 public:
  OpenAiEmbedder(BackendClient& client, std::string model, size_t batch, std::chrono::milliseconds timeout);
  size_t dimension() const override { return dimension_; }
  std::vector<Embedding> embed(const std::vector<std::string>& texts) override;
  std::string name() const override { return "openai:" + model_; }

 private:
  std::vector<Embedding> embed_batch(const std::vector<std::string>& texts, size_t begin, size_t end);

  BackendClient& client_;
  std::string model_;
  size_t batch_;
  std::chrono::milliseconds timeout_;
  size_t dimension_ = 0;
};

}  // namespace ragscale::serve
