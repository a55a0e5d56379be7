#include "serve/retrieval/dense_index.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <random>
#include <stdexcept>

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

TEST(DenseIndexTest, UploadsBalancedByDeletesReuseSlotsInsteadOfGrowing) {
  HashingEmbedder embedder(32);
  DenseIndex index(32, {});
  auto text = [](int i) { return "note " + std::to_string(i) + " about topic" + std::to_string(i % 11); };
  for (int i = 0; i < 200; ++i) index.add(i, embedder.embed_one(text(i)).data());
  // A steady corpus: every round deletes 100 old documents and uploads 100 new ones.
  for (int round = 1; round <= 10; ++round) {
    for (int i = 0; i < 100; ++i) index.remove((round - 1) * 100 + i);
    for (int i = 0; i < 100; ++i) {
      int id = round * 100 + 100 + i;
      index.add(id, embedder.embed_one(text(id)).data());
    }
  }
  EXPECT_EQ(index.size(), 200u);
  EXPECT_LE(index.slots(), 210u);  // a slot with no neighbour at its top level waits
  // The new ids are found where the old ones were, and the old ones are gone.
  auto hits = index.search(embedder.embed_one(text(1150)).data(), 3);
  ASSERT_FALSE(hits.empty());
  EXPECT_EQ(hits[0].first, 1150);
  for (const auto& hit : index.search(embedder.embed_one(text(5)).data(), 50)) EXPECT_GE(hit.first, 1000);
  // Re-adding a removed id whose slot was not reused restores it in place.
  size_t slots = index.slots();
  index.remove(1150);
  index.add(1150, embedder.embed_one(text(1150)).data());
  EXPECT_EQ(index.slots(), slots);
  EXPECT_EQ(index.search(embedder.embed_one(text(1150)).data(), 1)[0].first, 1150);
}

// The soak's steady state in miniature: 10,000 uploads, each balanced by a delete, leave
// the graph as many elements as live ids (give or take the few slots waiting for
// neighbours) and its first allocation, where without reuse it grew by one slot each.
TEST(DenseIndexTest, TenThousandAddDeleteCyclesKeepTheElementCountAndCapacityBounded) {
  HashingEmbedder embedder(16);
  // A smaller graph degree than serve's keeps 20,000 updates quick under AddressSanitizer;
  // slot bookkeeping does not depend on it.
  DenseIndex index(16, HnswOptions{8, 32, 32});
  const int live = 100;
  auto vector = [&](int i) { return embedder.embed_one("chunk " + std::to_string(i) + " w" + std::to_string(i % 7)); };
  for (int i = 0; i < live; ++i) index.add(i, vector(i).data());
  const size_t capacity = index.capacity();
  size_t most_slots = index.slots();
  for (int i = live; i < live + 10000; ++i) {
    index.add(i, vector(i).data());
    index.remove(i - live);
    most_slots = std::max(most_slots, index.slots());
  }
  EXPECT_EQ(index.size(), static_cast<size_t>(live));
  EXPECT_LE(most_slots, static_cast<size_t>(live + 16));
  EXPECT_EQ(index.capacity(), capacity);
  // Still a working index: the newest ids are found, none of the removed ones.
  for (int i = live + 10000 - 5; i < live + 10000; ++i) {
    auto hits = index.search(vector(i).data(), 3);
    ASSERT_FALSE(hits.empty());
    EXPECT_EQ(hits[0].first, i);
    for (const auto& hit : hits) EXPECT_GE(hit.first, 10000);
  }
}

TEST(DenseIndexTest, ReAddingEveryIdReplacesItsVectorInPlace) {
  // Every id, the graph's entry point among them (it has no neighbour at the top
  // level), takes a new vector; live ids and removed ones alike.
  HashingEmbedder embedder(32);
  DenseIndex index(32, {});
  for (int i = 0; i < 300; ++i) index.add(i, embedder.embed_one("first " + std::to_string(i)).data());
  for (int i = 0; i < 300; i += 3) index.remove(i);
  for (int i = 0; i < 300; ++i) index.add(i, embedder.embed_one("second " + std::to_string(i)).data());
  EXPECT_EQ(index.size(), 300u);
  EXPECT_LE(index.slots(), 310u);
  for (int i : {0, 1, 150, 299}) {
    auto hits = index.search(embedder.embed_one("second " + std::to_string(i)).data(), 1);
    ASSERT_EQ(hits.size(), 1u);
    EXPECT_EQ(hits[0].first, i);
    EXPECT_NEAR(hits[0].second, 1.0f, 1e-4);
  }
}

TEST(DenseIndexTest, NegativeIdsAreRefused) {
  HashingEmbedder embedder(8);
  DenseIndex index(8, {});
  EXPECT_THROW(index.add(-1, embedder.embed_one("x").data()), std::invalid_argument);
  EXPECT_EQ(index.size(), 0u);
}

TEST(DenseIndexTest, ALoadedGraphKeepsItsIdsAndReusesItsFreeSlots) {
  auto path = (std::filesystem::temp_directory_path() / ("ragscale-dense-" + std::to_string(std::random_device{}())))
                  .string();
  HashingEmbedder embedder(32);
  auto vector = [&](const char* kind, int i) { return embedder.embed_one(kind + std::to_string(i)); };
  DenseIndex index(32, {});
  // Ids move around: removed and their slots reused; every live id takes a new vector,
  // which retires a slot without a neighbour at its top level and moves its id.
  for (int i = 0; i < 300; ++i) index.add(i, vector("first ", i).data());
  for (int i = 0; i < 300; i += 3) index.remove(i);
  for (int i = 300; i < 330; ++i) index.add(i, vector("first ", i).data());
  for (int i = 0; i < 300; ++i) index.add(i, vector("second ", i).data());
  for (int i = 250; i < 260; ++i) index.remove(i);
  index.save(path, "s");
  DenseIndex loaded(32, {});
  ASSERT_TRUE(loaded.load(path, "s"));
  EXPECT_EQ(loaded.size(), index.size());
  EXPECT_EQ(loaded.slots(), index.slots());
  // The same answers as before the save, none of them a removed or retired id.
  for (int i = 0; i < 300; ++i) {
    auto hits = loaded.search(vector("second ", i).data(), 5);
    EXPECT_EQ(hits, index.search(vector("second ", i).data(), 5)) << i;
    for (const auto& hit : hits) EXPECT_TRUE(hit.first >= 0 && hit.first < 330 && (hit.first < 250 || hit.first >= 260)) << hit.first;
  }
  size_t slots = loaded.slots();
  for (int i = 1000; i < 1010; ++i) loaded.add(i, vector("third ", i).data());
  EXPECT_EQ(loaded.slots(), slots);  // the ten removed before the save are reused
  EXPECT_EQ(loaded.search(vector("third ", 1005).data(), 1)[0].first, 1005);
  std::filesystem::remove(path);
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
