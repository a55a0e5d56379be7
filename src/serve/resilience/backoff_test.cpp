#include "serve/resilience/backoff.h"

#include <gtest/gtest.h>

#include <limits>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;

TEST(Backoff, CeilingDoublesFromBaseUpToTheCap) {
  // u = 1 shows the ceiling itself.
  EXPECT_EQ(full_jitter_backoff(1, 100ms, 10s, 1.0), 100ms);
  EXPECT_EQ(full_jitter_backoff(2, 100ms, 10s, 1.0), 200ms);
  EXPECT_EQ(full_jitter_backoff(5, 100ms, 10s, 1.0), 1600ms);
  EXPECT_EQ(full_jitter_backoff(8, 100ms, 10s, 1.0), 10s);
  EXPECT_EQ(full_jitter_backoff(1000, 100ms, 10s, 1.0), 10s);  // no overflow
  EXPECT_EQ(full_jitter_backoff(std::numeric_limits<int>::max(), 100ms, 10s, 1.0), 10s);
}

TEST(Backoff, JitterIsUniformBetweenZeroAndTheCeiling) {
  EXPECT_EQ(full_jitter_backoff(3, 100ms, 10s, 0.0), 0ms);
  EXPECT_EQ(full_jitter_backoff(3, 100ms, 10s, 0.5), 200ms);
  EXPECT_EQ(full_jitter_backoff(3, 100ms, 10s, 0.25), 100ms);
  EXPECT_LT(full_jitter_backoff(3, 100ms, 10s, 0.999999), 400ms);
}

TEST(Backoff, OutOfRangeInputsAreClamped) {
  EXPECT_EQ(full_jitter_backoff(0, 100ms, 10s, 1.0), 100ms);   // attempt < 1 counts as 1
  EXPECT_EQ(full_jitter_backoff(-5, 100ms, 10s, 1.0), 100ms);
  EXPECT_EQ(full_jitter_backoff(2, 100ms, 10s, 7.0), 200ms);   // u > 1 -> 1
  EXPECT_EQ(full_jitter_backoff(2, 100ms, 10s, -1.0), 0ms);    // u < 0 -> 0
  EXPECT_EQ(full_jitter_backoff(2, 100ms, 10s, std::numeric_limits<double>::quiet_NaN()), 0ms);
  EXPECT_EQ(full_jitter_backoff(2, -100ms, 10s, 1.0), 0ms);
  EXPECT_EQ(full_jitter_backoff(2, 100ms, 50ms, 1.0), 50ms);   // cap below base wins
}

TEST(Backoff, RetryDelayHonoursRetryAfterEvenAboveTheCap) {
  TimePoint now{1h};
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, std::nullopt, now, now + 10s), 50ms);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, 3s, now, now + 10s), 3s);
  EXPECT_EQ(retry_delay(4, 100ms, 1s, 1.0, 200ms, now, now + 10s), 800ms);  // backoff larger
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, -2s, now, now + 10s), 50ms);     // negative ignored
}

TEST(Backoff, RetryDelayRefusesWhenTheAttemptCannotFitBeforeTheDeadline) {
  TimePoint now{1h};
  // 50 ms delay + 100 ms for the attempt fits in exactly 150 ms, not in 149 ms.
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, std::nullopt, now, now + 150ms), 50ms);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, std::nullopt, now, now + 149ms), std::nullopt);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, 5s, now, now + 5s), std::nullopt);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, std::nullopt, now, now - 1s), std::nullopt);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.0, std::nullopt, now, now, 0ms), std::nullopt);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, std::nullopt, now, now + 2s, 1950ms), 50ms);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 0.5, std::nullopt, now, now + 2s, 1951ms), std::nullopt);
}

TEST(Backoff, RetryDelayWithAFarDeadlineDoesNotOverflow) {
  TimePoint now{1h};
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 1.0, std::nullopt, now, TimePoint::max()), 100ms);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 1.0, Clock::duration::max() / 2, now, TimePoint::max(), 0ms),
            Clock::duration::max() / 2);
  EXPECT_EQ(retry_delay(1, 100ms, 1s, 1.0, Clock::duration::max(), now, now + 1h), std::nullopt);
  EXPECT_EQ(full_jitter_backoff(70, 1s, Clock::duration::max(), 1.0), Clock::duration::max());
}

}  // namespace
}  // namespace ragscale::serve::resilience
