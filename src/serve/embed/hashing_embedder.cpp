#include "serve/embed/hashing_embedder.h"

#include <cmath>
#include <cstdint>
#include <stdexcept>

#include "serve/text/tokenize.h"

namespace ragscale::serve {
namespace {

uint64_t fnv1a(std::string_view text, uint64_t seed) {
  uint64_t hash = 14695981039346656037ull ^ seed;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 1099511628211ull;
  }
  // Final avalanche so nearby strings spread over all buckets.
  hash ^= hash >> 33;
  hash *= 0xff51afd7ed558ccdull;
  hash ^= hash >> 33;
  return hash;
}

// Bigrams weigh less than words: they sharpen phrase matches without drowning out
// documents that use the same words in another order.
constexpr float kBigramWeight = 0.5f;

}  // namespace

void l2_normalize(Embedding& vector) {
  double sum = 0;
  for (float v : vector) sum += static_cast<double>(v) * v;
  if (sum <= 0) return;
  auto scale = static_cast<float>(1.0 / std::sqrt(sum));
  for (float& v : vector) v *= scale;
}

HashingEmbedder::HashingEmbedder(size_t dimension) : dimension_(dimension) {
  if (dimension < 8) {
    throw std::invalid_argument("embedding dimension must be at least 8 (got " + std::to_string(dimension) + ")");
  }
}

Embedding HashingEmbedder::embed_one(std::string_view text) const {
  Embedding vector(dimension_, 0.0f);
  auto words = tokenize_words(text);
  auto add = [&](std::string_view feature, float weight) {
    uint64_t hash = fnv1a(feature, 0);
    float sign = (hash >> 63) ? -1.0f : 1.0f;
    vector[(hash & 0x7fffffffffffffffull) % dimension_] += sign * weight;
  };
  std::string bigram;
  for (size_t i = 0; i < words.size(); ++i) {
    add(words[i], 1.0f);
    if (i + 1 < words.size()) {
      bigram.assign(words[i]);
      bigram.push_back(' ');
      bigram.append(words[i + 1]);
      add(bigram, kBigramWeight);
    }
  }
  l2_normalize(vector);
  return vector;
}

std::vector<Embedding> HashingEmbedder::embed(const std::vector<std::string>& texts) {
  std::vector<Embedding> out;
  out.reserve(texts.size());
  for (const auto& text : texts) out.push_back(embed_one(text));
  return out;
}

}  // namespace ragscale::serve
