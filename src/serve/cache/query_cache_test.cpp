#include "serve/cache/query_cache.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;

TEST(QueryCacheTest, KeyNormalizesQuestionAndIncludesGeneration) {
  auto a = QueryCache::make_key("  What is  RAG? ", "k=4", 1);
  EXPECT_EQ(a, QueryCache::make_key("what is rag?", "k=4", 1));
  EXPECT_NE(a, QueryCache::make_key("what is rag?", "k=4", 2));
  EXPECT_NE(a, QueryCache::make_key("what is rag?", "k=5", 1));
}

TEST(QueryCacheTest, HitsMissesAndTtl) {
  QueryCache cache({10, 1 << 20, 100ms, 0ms});
  auto now = QueryCache::Clock::now();
  EXPECT_FALSE(cache.get("k", now));
  cache.put("k", "answer", now);
  EXPECT_EQ(cache.get("k", now + 50ms), "answer");
  EXPECT_FALSE(cache.get("k", now + 150ms));  // expired
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.entries(), 0u);
}

TEST(QueryCacheTest, ExpiredAnswersStayAvailableAsStaleWithinTheGrace) {
  QueryCache cache({10, 1 << 20, 100ms, 1s});
  auto now = QueryCache::Clock::now();
  cache.put("k", "answer", now);
  EXPECT_EQ(cache.get_stale("k", now + 50ms), "answer");  // fresh answers are stale-servable too
  EXPECT_FALSE(cache.get("k", now + 150ms));              // no longer a hit...
  EXPECT_EQ(cache.get_stale("k", now + 500ms), "answer");  // ...but still served when the model fails
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_FALSE(cache.get_stale("k", now + 1200ms));  // past the grace: gone
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_FALSE(cache.get_stale("never", now));
}

TEST(QueryCacheTest, EvictsLeastRecentlyUsedByEntries) {
  QueryCache cache({2, 1 << 20, 1h});
  cache.put("a", "1");
  cache.put("b", "2");
  EXPECT_TRUE(cache.get("a"));  // b is now the oldest
  cache.put("c", "3");
  EXPECT_TRUE(cache.get("a"));
  EXPECT_FALSE(cache.get("b"));
  EXPECT_TRUE(cache.get("c"));
}

TEST(QueryCacheTest, BoundedByBytes) {
  QueryCache cache({100, 1000, 1h});
  cache.put("a", std::string(400, 'x'));
  cache.put("b", std::string(400, 'y'));
  EXPECT_EQ(cache.entries(), 2u);
  cache.put("c", std::string(400, 'z'));
  EXPECT_EQ(cache.entries(), 2u);
  EXPECT_FALSE(cache.get("a"));
  EXPECT_LE(cache.bytes(), 1000u);
  cache.put("huge", std::string(5000, 'h'));  // larger than the whole cache: not stored
  EXPECT_FALSE(cache.get("huge"));
  EXPECT_TRUE(cache.get("c"));
}

}  // namespace
}  // namespace ragscale::serve
