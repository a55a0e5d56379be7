#include "serve/resilience/keyed_rate_limiter.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <vector>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;

TEST(KeyedRateLimiter, KeysAreLimitedSeparately) {
  KeyedRateLimiter limiter(1.0, 2);
  TimePoint now{1h};
  EXPECT_TRUE(limiter.try_take("a", now).allowed);
  EXPECT_TRUE(limiter.try_take("a", now).allowed);
  auto refused = limiter.try_take("a", now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1s);
  EXPECT_TRUE(limiter.try_take("b", now).allowed);
  EXPECT_EQ(limiter.tracked_keys(), 2u);
}

TEST(KeyedRateLimiter, KeysWhoseBucketsAreFullAgainAreForgotten) {
  KeyedRateLimiter limiter(parse_rate("60/min:burst=10"));  // fills from empty in 10 s
  TimePoint t0{1h};
  for (int i = 0; i < 10; ++i) limiter.try_take("a", t0);
  limiter.try_take("b", t0 + 5s);
  EXPECT_EQ(limiter.tracked_keys(), 2u);
  limiter.try_take("c", t0 + 9999ms);
  EXPECT_EQ(limiter.tracked_keys(), 3u);  // "a" is not full yet
  limiter.try_take("c", t0 + 10s);
  EXPECT_EQ(limiter.tracked_keys(), 2u);  // "a" is, and is forgotten
  // Coming back, "a" starts full: the same answer it would have had if kept.
  auto decision = limiter.try_take("a", t0 + 10s);
  EXPECT_TRUE(decision.allowed);
  EXPECT_DOUBLE_EQ(decision.remaining, 9.0);
  EXPECT_EQ(limiter.evicted_total(), 0u);
}

TEST(KeyedRateLimiter, PastMaxKeysTheLeastRecentlyUsedGoes) {
  KeyedRateLimiter limiter(1.0, 1, 2);
  TimePoint now{1h};
  limiter.try_take("a", now);
  limiter.try_take("b", now);
  EXPECT_FALSE(limiter.try_take("a", now).allowed);  // "a" is now the most recent
  limiter.try_take("c", now);                        // evicts "b"
  EXPECT_EQ(limiter.tracked_keys(), 2u);
  EXPECT_EQ(limiter.evicted_total(), 1u);
  EXPECT_FALSE(limiter.try_take("a", now).allowed);  // "a" kept its empty bucket
  EXPECT_TRUE(limiter.try_take("b", now).allowed);   // "b" came back full: the fairness cost
}

TEST(KeyedRateLimiter, AFloodOfKeysStaysWithinMaxKeys) {
  KeyedRateLimiter limiter(1.0, 5, 1000);
  TimePoint now{1h};
  for (int i = 0; i < 50000; ++i) limiter.try_take("client-" + std::to_string(i), now + i * 1us);
  EXPECT_EQ(limiter.tracked_keys(), 1000u);
  EXPECT_EQ(limiter.evicted_total(), 49000u);
  limiter.try_take("late", now + 1h);  // everything else is full by now
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

TEST(KeyedRateLimiter, RejectsZeroMaxKeysAndABadRate) {
  EXPECT_THROW(KeyedRateLimiter(1.0, 1, 0), std::invalid_argument);
  EXPECT_THROW(KeyedRateLimiter(0.0, 1), std::invalid_argument);
}

TEST(KeyedRateLimiter, ConcurrentCallersShareEachKeysBucket) {
  KeyedRateLimiter limiter(1.0, 100, 64);
  TimePoint now{1h};  // one instant: no refill, so exactly the burst passes per key
  std::atomic<int> shared_allowed{0};
  std::atomic<int> own_allowed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      const std::string own = "own-" + std::to_string(t);
      for (int i = 0; i < 1000; ++i) {
        if (limiter.try_take("shared", now).allowed) shared_allowed.fetch_add(1);
        if (limiter.try_take(own, now).allowed) own_allowed.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(shared_allowed.load(), 100);
  EXPECT_EQ(own_allowed.load(), 400);
  EXPECT_EQ(limiter.tracked_keys(), 5u);
}

}  // namespace
}  // namespace ragscale::serve::resilience
