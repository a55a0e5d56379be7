#include "serve/cache/query_cache.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;

TEST(QueryCacheTest, KeyNormalizesQuestionAndIncludesParameters) {
  auto a = QueryCache::make_key("  What is  RAG? ", "k=4");
  EXPECT_EQ(a, QueryCache::make_key("what is rag?", "k=4"));
  EXPECT_NE(a, QueryCache::make_key("what is rag?", "k=5"));
  EXPECT_NE(a, QueryCache::make_key("what is rag", "k=4"));
}

TEST(QueryCacheTest, AnAnswerOfAnotherGenerationIsAMissButStillHeldAsStale) {
  QueryCache cache({10, 1 << 20, 1h, 1h});
  auto now = QueryCache::Clock::now();
  cache.put("k", "answer on 7", 7, now);
  EXPECT_EQ(cache.get("k", 7, now), "answer on 7");
  EXPECT_FALSE(cache.get("k", 8, now));  // an upload advanced the index
  auto held = cache.get_stale("k", now);
  ASSERT_TRUE(held);
  EXPECT_EQ(held->value, "answer on 7");
  EXPECT_EQ(held->generation, 7u);
  cache.put("k", "answer on 8", 8, now);  // replaces: one entry per question
  EXPECT_EQ(cache.get("k", 8, now), "answer on 8");
  EXPECT_EQ(cache.entries(), 1u);
  EXPECT_EQ(cache.hits(), 2u);
  EXPECT_EQ(cache.misses(), 1u);
}

TEST(QueryCacheTest, HitsMissesAndTtl) {
  QueryCache cache({10, 1 << 20, 100ms, 0ms});
  auto now = QueryCache::Clock::now();
  EXPECT_FALSE(cache.get("k", 0, now));
  cache.put("k", "answer", 0, now);
  EXPECT_EQ(cache.get("k", 0, now + 50ms), "answer");
  EXPECT_FALSE(cache.get("k", 0, now + 150ms));  // expired
  EXPECT_EQ(cache.hits(), 1u);
  EXPECT_EQ(cache.misses(), 2u);
  EXPECT_EQ(cache.entries(), 0u);
}

TEST(QueryCacheTest, ExpiredAnswersStayAvailableAsStaleWithinTheGrace) {
  QueryCache cache({10, 1 << 20, 100ms, 1s});
  auto now = QueryCache::Clock::now();
  cache.put("k", "answer", 0, now);
  EXPECT_EQ(cache.get_stale("k", now + 50ms)->value, "answer");  // fresh answers are stale-servable too
  EXPECT_FALSE(cache.get("k", 0, now + 150ms));              // no longer a hit...
  EXPECT_EQ(cache.get_stale("k", now + 500ms)->value, "answer");  // ...but still served when the model fails
  EXPECT_EQ(cache.hits(), 0u);
  EXPECT_FALSE(cache.get_stale("k", now + 1200ms));  // past the grace: gone
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_FALSE(cache.get_stale("never", now));
}

TEST(QueryCacheTest, EvictsLeastRecentlyUsedByEntries) {
  QueryCache cache({2, 1 << 20, 1h});
  cache.put("a", "1", 0);
  cache.put("b", "2", 0);
  EXPECT_TRUE(cache.get("a", 0));  // b is now the oldest
  cache.put("c", "3", 0);
  EXPECT_TRUE(cache.get("a", 0));
  EXPECT_FALSE(cache.get("b", 0));
  EXPECT_TRUE(cache.get("c", 0));
}

TEST(QueryCacheTest, BoundedByBytes) {
  QueryCache cache({100, 1000, 1h});
  cache.put("a", std::string(400, 'x'), 0);
  cache.put("b", std::string(400, 'y'), 0);
  EXPECT_EQ(cache.entries(), 2u);
  cache.put("c", std::string(400, 'z'), 0);
  EXPECT_EQ(cache.entries(), 2u);
  EXPECT_FALSE(cache.get("a", 0));
  EXPECT_LE(cache.bytes(), 1000u);
  cache.put("huge", std::string(5000, 'h'), 0);  // larger than the whole cache: not stored
  EXPECT_FALSE(cache.get("huge", 0));
  EXPECT_TRUE(cache.get("c", 0));
}

}  // namespace
}  // namespace ragscale::serve
