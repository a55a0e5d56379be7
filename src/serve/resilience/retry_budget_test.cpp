#include "serve/resilience/retry_budget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <thread>
#include <vector>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;

TEST(RetryBudget, TheFloorAllowsAFewRetriesWithoutTraffic) {
  RetryBudget budget;
  TimePoint now{1h};
  EXPECT_TRUE(budget.try_retry(now));
  EXPECT_TRUE(budget.try_retry(now));
  EXPECT_TRUE(budget.try_retry(now));
  EXPECT_FALSE(budget.try_retry(now));
  EXPECT_EQ(budget.retries_total(), 3u);
  EXPECT_EQ(budget.refused_total(), 1u);
}

TEST(RetryBudget, TheRatioAllowsTenPercentOfFirstAttempts) {
  RetryBudget budget;
  TimePoint now{1h};
  for (int i = 0; i < 1000; ++i) budget.on_attempt(now);
  int retries = 0;
  while (budget.try_retry(now)) ++retries;
  EXPECT_EQ(retries, 100);
  for (int i = 0; i < 9; ++i) budget.on_attempt(now);  // 1009 attempts: 100.9, not 101
  EXPECT_FALSE(budget.try_retry(now));
  budget.on_attempt(now);
  EXPECT_TRUE(budget.try_retry(now));
  EXPECT_FALSE(budget.try_retry(now));
}

TEST(RetryBudget, AnOutageNeverMultipliesTheLoadByMoreThanTheRatio) {
  RetryBudget budget;
  TimePoint now{1h};
  uint64_t attempts = 0;
  // A minute of 100 requests a second, every one failing and wanting three retries.
  for (int tick = 0; tick < 600; ++tick, now += 100ms) {
    for (int i = 0; i < 10; ++i) {
      budget.on_attempt(now);
      ++attempts;
      for (int retry = 0; retry < 3 && budget.try_retry(now); ++retry) {
      }
    }
  }
  const double sent = static_cast<double>(attempts + budget.retries_total());
  EXPECT_LE(sent / static_cast<double>(attempts), 1.1 + 1e-9);
  EXPECT_GE(sent / static_cast<double>(attempts), 1.09);
}

TEST(RetryBudget, OldAttemptsAndRetriesLeaveTheWindow) {
  RetryBudget budget(0.5, 0, 10s);
  TimePoint t0{1h};
  for (int i = 0; i < 10; ++i) budget.on_attempt(t0);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(budget.try_retry(t0 + 5s));
  EXPECT_FALSE(budget.try_retry(t0 + 5s));
  // At t0 + 10 s the attempts are gone while the retries (at t0 + 5 s) remain.
  EXPECT_FALSE(budget.try_retry(t0 + 10s));
  for (int i = 0; i < 20; ++i) budget.on_attempt(t0 + 10s);
  EXPECT_TRUE(budget.try_retry(t0 + 10s));  // 5 of 10 allowed
  // Everything has aged out at t0 + 20 s: with no floor nothing is allowed.
  EXPECT_FALSE(budget.try_retry(t0 + 20s));
}

TEST(RetryBudget, AZeroFloorIsAPureRatioAndAZeroRatioOnlyTheFloor) {
  RetryBudget ratio_only(0.1, 0);
  TimePoint now{1h};
  EXPECT_FALSE(ratio_only.try_retry(now));
  for (int i = 0; i < 9; ++i) ratio_only.on_attempt(now);
  EXPECT_FALSE(ratio_only.try_retry(now));  // 0.9 retries: none
  ratio_only.on_attempt(now);
  EXPECT_TRUE(ratio_only.try_retry(now));

  RetryBudget floor_only(0, 2);
  for (int i = 0; i < 1000; ++i) floor_only.on_attempt(now);
  EXPECT_TRUE(floor_only.try_retry(now));
  EXPECT_TRUE(floor_only.try_retry(now));
  EXPECT_FALSE(floor_only.try_retry(now));
}

TEST(RetryBudget, RejectsBadArguments) {
  EXPECT_THROW(RetryBudget(-0.1), std::invalid_argument);
  EXPECT_THROW(RetryBudget(std::numeric_limits<double>::infinity()), std::invalid_argument);
  EXPECT_THROW(RetryBudget(std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  EXPECT_THROW(RetryBudget(0.1, 3, 0s), std::invalid_argument);
}

TEST(RetryBudget, ConcurrentCallersStayWithinTheBudget) {
  RetryBudget budget;
  TimePoint now{1h};  // one instant: nothing ages out, so the bound is exact
  constexpr int kThreads = 4;
  constexpr int kAttempts = 10000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < kAttempts; ++i) {
        budget.on_attempt(now);
        budget.try_retry(now);
        budget.try_retry(now);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(budget.retries_total() + budget.refused_total(), uint64_t{2} * kThreads * kAttempts);
  EXPECT_LE(budget.retries_total(), uint64_t{kThreads} * kAttempts / 10);
  EXPECT_GE(budget.retries_total(), uint64_t{kThreads} * kAttempts / 10 - 1);
}

}  // namespace
}  // namespace ragscale::serve::resilience
