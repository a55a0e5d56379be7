#include "serve/retrieval/dense_index.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "serve/embed/hashing_embedder.h"

namespace ragscale::serve {
namespace {

TEST(DenseIndexTest, FindsNearestAndGrowsBeyondInitialCapacity) {
  HashingEmbedder embedder(64);
  DenseIndex index(64, {});
  for (int i = 0; i < 1500; ++i) {
    auto v = embedder.embed_one("document number " + std::to_string(i) + " topic" + std::to_string(i % 37));
    index.add(i + 1, v.data());
  }
  EXPECT_EQ(index.size(), 1500u);
  auto query = embedder.embed_one("document number 777 topic" + std::to_string(777 % 37));
  auto hits = index.search(query.data(), 5);
  ASSERT_EQ(hits.size(), 5u);
  EXPECT_EQ(hits[0].first, 778);
  EXPECT_NEAR(hits[0].second, 1.0f, 1e-4);
  EXPECT_GE(hits[0].second, hits[1].second);
}

TEST(DenseIndexTest, RemovedIdsDisappearAndReAddingRestoresThem) {
  HashingEmbedder embedder(32);
  DenseIndex index(32, {});
  auto a = embedder.embed_one("alpha");
  auto b = embedder.embed_one("beta");
  index.add(1, a.data());
  index.add(2, b.data());
  index.remove(1);
  index.remove(1);  // twice is harmless
  EXPECT_EQ(index.size(), 1u);
  auto hits = index.search(a.data(), 2);
  ASSERT_EQ(hits.size(), 1u);
  EXPECT_EQ(hits[0].first, 2);
  index.add(1, a.data());
  EXPECT_EQ(index.size(), 2u);
  EXPECT_EQ(index.search(a.data(), 1)[0].first, 1);
  DenseIndex empty(32, {});
  EXPECT_TRUE(empty.search(a.data(), 3).empty());
}

TEST(DenseIndexTest, SaveAndLoadRequireMatchingSignature) {
  auto path = (std::filesystem::temp_directory_path() / ("ragscale-dense-" + std::to_string(std::random_device{}())))
                  .string();
  HashingEmbedder embedder(32);
  DenseIndex index(32, {});
  auto a = embedder.embed_one("alpha");
  index.add(7, a.data());
  mode_t saved = ::umask(022);
  index.save(path, "chunks=1");
  ::umask(saved);
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);  // the graph holds every document's embeddings
  ASSERT_EQ(::stat((path + ".signature").c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
  DenseIndex wrong(32, {});
  EXPECT_FALSE(wrong.load(path, "chunks=2"));
  DenseIndex loaded(32, {});
  ASSERT_TRUE(loaded.load(path, "chunks=1"));
  EXPECT_EQ(loaded.size(), 1u);
  EXPECT_EQ(loaded.search(a.data(), 1)[0].first, 7);
  DenseIndex again(32, {});
  EXPECT_FALSE(again.load(path, "chunks=1"));  // the signature is consumed by a load
  std::filesystem::remove(path);
  EXPECT_FALSE(again.load(path + ".missing", "x"));
}

}  // namespace
}  // namespace ragscale::serve

namespace ragscale::serve {
namespace {

TEST(DenseIndexTest, SimilarityIsTheExactDotProductForAnyDimension) {
  std::mt19937 random(3);
  std::normal_distribution<float> normal;
  for (size_t dimension : {8u, 37u, 384u}) {
    DenseIndex index(dimension, {});
    std::vector<float> a(dimension), b(dimension);
    for (auto& v : a) v = normal(random);
    for (auto& v : b) v = normal(random);
    l2_normalize(a);
    l2_normalize(b);
    index.add(1, b.data());
    double dot = 0;
    for (size_t i = 0; i < dimension; ++i) dot += static_cast<double>(a[i]) * b[i];
    auto hits = index.search(a.data(), 1);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_NEAR(hits[0].second, dot, 1e-5) << "dimension " << dimension;
  }
}

}  // namespace
}  // namespace ragscale::serve
