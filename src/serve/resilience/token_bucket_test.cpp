#include "serve/resilience/token_bucket.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;

TEST(TokenBucket, StartsFullThenRefillsAtTheRate) {
  TokenBucket bucket(1.0, 5);
  TimePoint now{1h};
  for (int i = 0; i < 5; ++i) {
    auto decision = bucket.try_take(now);
    ASSERT_TRUE(decision.allowed) << i;
    EXPECT_DOUBLE_EQ(decision.remaining, 4.0 - i);
    EXPECT_EQ(decision.retry_after, 0s);
  }
  auto refused = bucket.try_take(now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_FALSE(refused.too_large);
  EXPECT_EQ(refused.retry_after, 1s);
  EXPECT_EQ(refused.reset, 5s);
  EXPECT_FALSE(bucket.try_take(now + 999ms).allowed);
  auto later = bucket.try_take(now + 1s);
  EXPECT_TRUE(later.allowed);
  EXPECT_EQ(later.reset, 5s);
}

TEST(TokenBucket, RetryingAtRetryAfterSucceedsEvenForAwkwardRates) {
  TokenBucket bucket(3.0, 1);  // one token every 333.33 ms
  TimePoint now{1h};
  ASSERT_TRUE(bucket.try_take(now).allowed);
  for (int i = 0; i < 100; ++i) {
    auto refused = bucket.try_take(now);
    ASSERT_FALSE(refused.allowed);
    EXPECT_FALSE(bucket.try_take(now + refused.retry_after - 1ns).allowed);
    now += refused.retry_after;
    ASSERT_TRUE(bucket.try_take(now).allowed) << i;
  }
}

TEST(TokenBucket, RemainingAndResetFollowAPartialRefill) {
  TokenBucket bucket(2.0, 10);
  TimePoint now{1h};
  ASSERT_TRUE(bucket.try_take(now, 10).allowed);
  EXPECT_DOUBLE_EQ(bucket.tokens(now + 1500ms), 3.0);
  auto decision = bucket.try_take(now + 1500ms, 2);
  EXPECT_TRUE(decision.allowed);
  EXPECT_DOUBLE_EQ(decision.remaining, 1.0);
  EXPECT_EQ(decision.reset, 4500ms);
  auto refused = bucket.try_take(now + 1500ms, 4);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.retry_after, 1500ms);  // 3 tokens short at 2 a second
  EXPECT_DOUBLE_EQ(refused.remaining, 1.0);  // a refusal takes nothing
}

TEST(TokenBucket, RefillStopsAtTheBurst) {
  TokenBucket bucket(100.0, 3);
  TimePoint now{1h};
  bucket.try_take(now, 3);
  EXPECT_TRUE(bucket.full(now + 1h));
  EXPECT_DOUBLE_EQ(bucket.tokens(now + 1h), 3.0);
  EXPECT_EQ(bucket.time_to_fill(), 30ms);
}

TEST(TokenBucket, ACostAboveTheBurstCanNeverPass) {
  TokenBucket bucket(1.0, 5);
  auto decision = bucket.try_take(TimePoint{1h}, 6);
  EXPECT_FALSE(decision.allowed);
  EXPECT_TRUE(decision.too_large);
  EXPECT_EQ(decision.retry_after, 0s);
  EXPECT_DOUBLE_EQ(decision.remaining, 5.0);
  EXPECT_TRUE(bucket.try_take(TimePoint{1h}, 0).allowed);
  EXPECT_THROW(bucket.try_take(TimePoint{1h}, -1), std::invalid_argument);
  EXPECT_THROW(bucket.try_take(TimePoint{1h}, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
}

TEST(TokenBucket, TimeGoingBackwardsRefillsNothing) {
  TokenBucket bucket(1.0, 2);
  TimePoint now{1h};
  bucket.try_take(now, 2);
  EXPECT_FALSE(bucket.try_take(now - 10s).allowed);
  EXPECT_FALSE(bucket.try_take(now + 999ms).allowed);  // the earlier call moved nothing
  EXPECT_TRUE(bucket.try_take(now + 1s).allowed);
}

TEST(TokenBucket, RejectsANonPositiveRateOrBurst) {
  EXPECT_THROW(TokenBucket(0, 1), std::invalid_argument);
  EXPECT_THROW(TokenBucket(1, 0), std::invalid_argument);
  EXPECT_THROW(TokenBucket(std::numeric_limits<double>::infinity(), 1), std::invalid_argument);
  EXPECT_THROW(TokenBucket(1, std::numeric_limits<double>::quiet_NaN()), std::invalid_argument);
  // A rate so slow that the wait would overflow the clock is reported as a century.
  TokenBucket slow(1e-300, 1);
  slow.try_take(TimePoint{1h});
  EXPECT_GT(slow.try_take(TimePoint{1h}).retry_after, std::chrono::hours(24 * 365 * 99));
}

TEST(ParseRate, AcceptsEveryUnitAndAnOptionalBurst) {
  auto expect = [](const char* text, double per_second, double burst) {
    RateSpec spec = parse_rate(text);
    EXPECT_DOUBLE_EQ(spec.per_second, per_second) << text;
    EXPECT_DOUBLE_EQ(spec.burst, burst) << text;
  };
  expect("10/s", 10, 10);
  expect("10/sec", 10, 10);
  expect("10/second", 10, 10);
  expect("120/min", 2, 120);
  expect("120/minute", 2, 120);
  expect("3600/h", 1, 3600);
  expect("7200/hour", 2, 7200);
  expect("  100 / MIN  ", 100.0 / 60, 100);
  expect("5/s:burst=20", 5, 20);
  expect("5/s : burst=2.5", 5, 2.5);
  expect("0.5/s", 0.5, 1);  // the default burst holds at least one token
}

TEST(ParseRate, KeepsTheRateAsWrittenForHeaders) {
  RateSpec spec = parse_rate("100/min:burst=20");
  EXPECT_DOUBLE_EQ(spec.per_window, 100);
  EXPECT_DOUBLE_EQ(spec.window_seconds, 60);
  spec = parse_rate("0.5/s");
  EXPECT_DOUBLE_EQ(spec.per_window, 0.5);
  EXPECT_DOUBLE_EQ(spec.window_seconds, 1);
}

TEST(ParseRate, RejectsAnythingElseSayingWhatIsAccepted) {
  for (const char* text : {"", "100", "100/", "/s", "abc/s", "-5/s", "0/s", "inf/s", "nan/s", "5/day", "5/ms",
                           "5/s:", "5/s:burst", "5/s:burst=", "5/s:burst=0.5", "5/s:burst=x", "5/s:size=3",
                           "5s/s", "5/s:burst=3:burst=4", "0x10/s"}) {
    try {
      parse_rate(text);
      ADD_FAILURE() << '"' << text << "\" was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("expected N/UNIT"), std::string::npos) << error.what();
    }
  }
}

}  // namespace
}  // namespace ragscale::serve::resilience
