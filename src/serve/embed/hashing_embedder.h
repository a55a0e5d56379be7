// The built-in `hashing` embedder: feature hashing of words and word bigrams into a
// signed vector of the configured dimension, L2-normalized. Deterministic, needs no
// model, fast enough to embed thousands of chunks per second on one core; texts that
// share words land near each other.
#pragma once

#include "serve/embed/embedder.h"

namespace ragscale::serve {

class HashingEmbedder final : public Embedder {
 public:
  // Throws std::invalid_argument for a dimension below 8.
  explicit HashingEmbedder(size_t dimension);
  size_t dimension() const override { return dimension_; }
  std::vector<Embedding> embed(const std::vector<std::string>& texts) override;
  std::string name() const override { return "hashing"; }

  Embedding embed_one(std::string_view text) const;

 private:
  size_t dimension_;
};

}  // namespace ragscale::serve
