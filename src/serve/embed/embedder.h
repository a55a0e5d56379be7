// Embedder: turns texts into fixed-dimension, L2-normalized vectors, so the inner
// product of two embeddings is their cosine similarity. Implementations are safe to
// call from several worker threads at once; embed() may throw std::runtime_error
// (e.g. a remote endpoint failed) with a message fit for the client, or
// EmbeddingInterrupted when the service is stopping (the work may be retried later).
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <vector>

namespace ragscale::serve {

using Embedding = std::vector<float>;

// The embedder was stopped (shutdown) before it could answer: not the document's fault.
class EmbeddingInterrupted : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class Embedder {
 public:
  virtual ~Embedder() = default;
  virtual size_t dimension() const = 0;
  virtual std::vector<Embedding> embed(const std::vector<std::string>& texts) = 0;
  virtual std::string name() const = 0;
};

// Scales `vector` to unit length (left unchanged when it is all zeros).
void l2_normalize(Embedding& vector);

}  // namespace ragscale::serve
