// Embedder: turns texts into fixed-dimension, L2-normalized vectors, so the inner
// product of two embeddings is their cosine similarity. Implementations are safe to
// call from several worker threads at once; embed() may throw std::runtime_error
// (e.g. a remote endpoint failed) with a message fit for the client.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace ragscale::serve {

using Embedding = std::vector<float>;

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
