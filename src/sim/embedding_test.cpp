#include "sim/embedding.h"

#include <gtest/gtest.h>

#include <openssl/evp.h>

#include <cmath>
#include <cstring>

namespace ragscale::sim {
namespace {

double dot(const std::vector<float>& a, const std::vector<float>& b) {
  double sum = 0;
  for (size_t i = 0; i < a.size(); ++i) sum += static_cast<double>(a[i]) * b[i];
  return sum;
}

TEST(SimEmbedding, SameTextGivesTheSameVector) {
  EXPECT_EQ(embed_text("What is machine learning?", 384), embed_text("What is machine learning?", 384));
}

TEST(SimEmbedding, VectorsHaveTheConfiguredDimensionAndUnitNorm) {
  for (size_t dims : {1u, 8u, 384u, 1536u}) {
    for (std::string_view text : {"", "a", "Machine learning is a field of AI.", "\xC3\xA9t\xC3\xA9"}) {
      auto v = embed_text(text, dims);
      ASSERT_EQ(v.size(), dims);
      EXPECT_NEAR(std::sqrt(dot(v, v)), 1.0, 1e-5) << text << " " << dims;
    }
  }
}

TEST(SimEmbedding, DistinctTextsDiffer) {
  EXPECT_NE(embed_text("alpha", 64), embed_text("beta", 64));
  EXPECT_NE(embed_text("", 64), embed_text(" ", 64));
}

TEST(SimEmbedding, SharedWordsMeanHigherSimilarity) {
  auto query = embed_text("what is machine learning", 384);
  auto related = embed_text("Machine learning is a field of artificial intelligence.", 384);
  auto unrelated = embed_text("Paris is the capital of France with museums and cafes.", 384);
  EXPECT_GT(dot(query, related), dot(query, unrelated) + 0.2);
}

TEST(SimEmbedding, Base64IsLittleEndianFloat32) {
  std::vector<float> v = {1.0f, -0.5f, 0.25f};
  std::string encoded = encode_embedding_base64(v);
  unsigned char decoded[16] = {};
  int n = EVP_DecodeBlock(decoded, reinterpret_cast<const unsigned char*>(encoded.data()), static_cast<int>(encoded.size()));
  ASSERT_GE(n, 12);
  float back[3];
  std::memcpy(back, decoded, sizeof back);  // the test machine is little-endian (x86-64)
  EXPECT_EQ(back[0], 1.0f);
  EXPECT_EQ(back[1], -0.5f);
  EXPECT_EQ(back[2], 0.25f);
  EXPECT_EQ(encoded, "AACAPwAAAL8AAIA+");
}

}  // namespace
}  // namespace ragscale::sim
