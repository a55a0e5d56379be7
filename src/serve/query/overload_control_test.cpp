#include "serve/query/overload_control.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;
using resilience::ServiceMode;

OverloadControl::Options quick(size_t limit) {
  OverloadControl::Options options;
  options.limit.min_limit = 1;
  options.limit.initial_limit = limit;
  options.limit.max_limit = limit;
  options.ladder.down_hold = 0ms;
  options.ladder.up_hold = 1s;
  options.interval = 100ms;
  return options;
}

TEST(OverloadControlTest, AdmitsUnderTheLimitAndShedsPastIt) {
  PipelineMetrics metrics;
  OverloadControl control(quick(2), nullptr, metrics);
  auto now = std::chrono::steady_clock::now();
  auto a = control.admit(now);
  auto b = control.admit(now);
  auto c = control.admit(now);
  EXPECT_TRUE(a.ticket);
  EXPECT_TRUE(b.ticket);
  EXPECT_FALSE(c.ticket) << "past the limit a question is shed";
  EXPECT_EQ(metrics.shed_total(), 1u);
  control.finish(*a.ticket, true, 0ms);
  EXPECT_TRUE(control.admit(now).ticket);
}

TEST(OverloadControlTest, WorkerQueueingStepsTheLadderDownAndCalmBringsItBack) {
  PipelineMetrics metrics;
  OverloadControl control(quick(100), nullptr, metrics);
  auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(control.mode(now), ServiceMode::kFull);
  for (int i = 0; i < 5; ++i) {
    auto admission = control.admit(now);
    control.finish(*admission.ticket, true, std::chrono::duration<double>(1.0));  // a second in the queue
  }
  EXPECT_EQ(control.mode(now + 150ms), ServiceMode::kReduced);
  // Calm intervals (no queueing) for longer than up_hold.
  auto later = now + 150ms;
  for (int i = 0; i < 15; ++i) {
    later += 150ms;
    control.mode(later);
  }
  EXPECT_EQ(control.mode(later), ServiceMode::kFull);
}

TEST(OverloadControlTest, AnOpenBreakerMeansExtractiveAndSaysWhy) {
  PipelineMetrics metrics;
  bool open = true;
  OverloadControl control(quick(100), [&open] { return open; }, metrics);
  auto now = std::chrono::steady_clock::now();
  EXPECT_EQ(control.mode(now + 150ms), ServiceMode::kExtractive);
  EXPECT_EQ(control.extractive_reason(), "llm_circuit_open");
  open = false;
  EXPECT_EQ(control.extractive_reason(), "overload");
}

TEST(OverloadControlTest, CachedOnlyAndRefuseAdmitNothing) {
  PipelineMetrics metrics;
  OverloadControl control(quick(100), nullptr, metrics);
  auto now = std::chrono::steady_clock::now();
  // Sustained queueing walks the ladder down one rung per interval (down_hold 0).
  auto t = now;
  for (int i = 0; i < 6; ++i) {
    auto admission = control.admit(t);
    if (admission.ticket) control.finish(*admission.ticket, true, std::chrono::duration<double>(2.0));
    t += 150ms;
  }
  auto admission = control.admit(t);
  EXPECT_GE(admission.mode, ServiceMode::kCachedOnly);
  EXPECT_FALSE(admission.ticket);
}

}  // namespace
}  // namespace ragscale::serve
