#include "serve/embed/hashing_embedder.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ragscale::serve {
namespace {

float dot(const Embedding& a, const Embedding& b) {
  float sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += a[i] * b[i];
  return sum;
}

TEST(HashingEmbedderTest, ProducesUnitVectorsOfTheConfiguredDimension) {
  HashingEmbedder embedder(256);
  auto vectors = embedder.embed({"The quick brown fox", "jumps over the lazy dog"});
  ASSERT_EQ(vectors.size(), 2u);
  for (const auto& v : vectors) {
    ASSERT_EQ(v.size(), 256u);
    EXPECT_NEAR(dot(v, v), 1.0f, 1e-5);
  }
}

TEST(HashingEmbedderTest, IsDeterministicAndCaseInsensitive) {
  HashingEmbedder embedder(128);
  EXPECT_EQ(embedder.embed_one("Hello World"), embedder.embed_one("hello, world!"));
}

TEST(HashingEmbedderTest, SharedWordsMeanHigherSimilarity) {
  HashingEmbedder embedder(384);
  auto query = embedder.embed_one("how do vector databases index embeddings");
  auto related = embedder.embed_one("Vector databases index embeddings with HNSW graphs.");
  auto unrelated = embedder.embed_one("The recipe needs two eggs and a cup of flour.");
  EXPECT_GT(dot(query, related), dot(query, unrelated) + 0.3f);
}

TEST(HashingEmbedderTest, EmptyTextIsAZeroVectorAndTinyDimensionsAreRejected) {
  HashingEmbedder embedder(16);
  auto v = embedder.embed_one("...");
  EXPECT_EQ(dot(v, v), 0.0f);
  EXPECT_THROW(HashingEmbedder(4), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::serve
