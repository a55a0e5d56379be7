#include "serve/cache/lru_cache.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ragscale::serve {
namespace {

TEST(LruCacheTest, ReturnsWhatWasPutAndCountsHitsAndMisses) {
  LruCache<int> cache(4);
  EXPECT_EQ(cache.get("a"), nullptr);
  cache.put("a", std::make_shared<int>(1));
  ASSERT_NE(cache.get("a"), nullptr);
  EXPECT_EQ(*cache.get("a"), 1);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(LruCacheTest, EvictsTheLeastRecentlyUsed) {
  LruCache<int> cache(2);
  cache.put("a", std::make_shared<int>(1));
  cache.put("b", std::make_shared<int>(2));
  cache.get("a");  // b is now the oldest
  cache.put("c", std::make_shared<int>(3));
  EXPECT_NE(cache.get("a"), nullptr);
  EXPECT_EQ(cache.get("b"), nullptr);
  EXPECT_NE(cache.get("c"), nullptr);
  EXPECT_EQ(cache.size(), 2u);
}

TEST(LruCacheTest, ReplacingAKeyKeepsOneEntry) {
  LruCache<int> cache(2);
  cache.put("a", std::make_shared<int>(1));
  cache.put("a", std::make_shared<int>(5));
  EXPECT_EQ(cache.size(), 1u);
  EXPECT_EQ(*cache.get("a"), 5);
}

TEST(LruCacheTest, ZeroCapacityStoresNothing) {
  LruCache<int> cache(0);
  cache.put("a", std::make_shared<int>(1));
  EXPECT_EQ(cache.get("a"), nullptr);
  EXPECT_EQ(cache.size(), 0u);
}

TEST(LruCacheTest, AnEvictedValueStaysAliveForItsReader) {
  LruCache<std::string> cache(1);
  cache.put("a", std::make_shared<std::string>("kept"));
  auto held = cache.get("a");
  cache.put("b", std::make_shared<std::string>("new"));
  EXPECT_EQ(cache.get("a"), nullptr);
  EXPECT_EQ(*held, "kept");
}

TEST(LruCacheTest, ConcurrentUseStaysWithinCapacity) {
  LruCache<int> cache(64);
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&cache, t] {
      for (int i = 0; i < 2000; ++i) {
        std::string key = std::to_string((t * 7919 + i) % 200);
        if (i % 3 == 0) cache.put(key, std::make_shared<int>(i));
        else cache.get(key);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_LE(cache.size(), 64u);
}

}  // namespace
}  // namespace ragscale::serve
