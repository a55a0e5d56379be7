#include "load/scenario/retry_policy.h"

#include <gtest/gtest.h>

namespace ragscale::scenario {
namespace {

using namespace std::chrono_literals;

RetrySpec spec_with(std::chrono::microseconds base, std::chrono::microseconds cap, bool jitter) {
  RetrySpec spec;
  spec.base = base;
  spec.cap = cap;
  spec.jitter = jitter;
  spec.statuses = {StatusRange{429, 429}, StatusRange{500, 599}};
  spec.on_connect = true;
  return spec;
}

TEST(RetryPolicyTest, RetriesListedStatusesAndFailures) {
  RetrySpec spec = spec_with(100ms, 2s, true);
  EXPECT_TRUE(should_retry(spec, {AttemptOutcome::kResponse, 429}));
  EXPECT_TRUE(should_retry(spec, {AttemptOutcome::kResponse, 503}));
  EXPECT_FALSE(should_retry(spec, {AttemptOutcome::kResponse, 200}));
  EXPECT_FALSE(should_retry(spec, {AttemptOutcome::kResponse, 404}));
  EXPECT_TRUE(should_retry(spec, {AttemptOutcome::kConnect}));
  EXPECT_TRUE(should_retry(spec, {AttemptOutcome::kConnectTimeout}));  // connect is listed
  EXPECT_FALSE(should_retry(spec, {AttemptOutcome::kTimeout}));
  EXPECT_FALSE(should_retry(spec, {AttemptOutcome::kReset}));
  EXPECT_FALSE(should_retry(spec, {AttemptOutcome::kOther}));
  spec.on_connect = false;
  spec.on_timeout = true;
  EXPECT_FALSE(should_retry(spec, {AttemptOutcome::kConnect}));
  EXPECT_TRUE(should_retry(spec, {AttemptOutcome::kConnectTimeout}));  // and so is timeout
  EXPECT_TRUE(should_retry(spec, {AttemptOutcome::kTimeout}));
}

TEST(RetryPolicyTest, TheCeilingDoublesUpToTheCapAndFullJitterDrawsBelowIt) {
  struct Case {
    bool jitter;
    int retry;
    double u;
    std::chrono::microseconds delay;
  };
  const Case cases[] = {
      // Without jitter: the ceiling, 100 ms doubling per retry up to the 1 s cap; u is ignored.
      {false, 1, 0.3, 100ms}, {false, 2, 0.3, 200ms}, {false, 3, 0.3, 400ms}, {false, 4, 0.3, 800ms},
      {false, 5, 0.3, 1s}, {false, 60, 0.3, 1s},
      // Full jitter: u times the ceiling.
      {true, 1, 0.0, 0ms}, {true, 1, 0.5, 50ms}, {true, 3, 0.25, 100ms}, {true, 9, 0.5, 500ms},
  };
  for (const Case& c : cases) {
    EXPECT_EQ(backoff_delay(spec_with(100ms, 1s, c.jitter), c.retry, c.u), c.delay)
        << "jitter " << c.jitter << ", retry " << c.retry << ", u " << c.u;
  }
}

TEST(RetryPolicyTest, RetryAfterReplacesTheBackoffUpToTheCap) {
  RetrySpec spec = spec_with(100ms, 2s, true);
  EXPECT_EQ(backoff_delay(spec, 1, 0.5, "1"), 1s);
  EXPECT_EQ(backoff_delay(spec, 1, 0.5, "0"), 0s);
  EXPECT_EQ(backoff_delay(spec, 1, 0.5, "60"), 2s);
  const auto now = std::chrono::sys_days{std::chrono::year{1994} / 11 / 6} + 8h + 49min + 36s;
  EXPECT_EQ(backoff_delay(spec, 1, 0.5, "Sun, 06 Nov 1994 08:49:37 GMT", now), 1s);
  // Unreadable: the backoff as if there were none.
  EXPECT_EQ(backoff_delay(spec, 1, 0.5, "soon"), 50ms);
  spec.honour_retry_after = false;
  EXPECT_EQ(backoff_delay(spec, 1, 0.5, "1"), 50ms);
}

}  // namespace
}  // namespace ragscale::scenario
