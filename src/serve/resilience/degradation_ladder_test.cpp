#include "serve/resilience/degradation_ladder.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <utility>
#include <vector>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;
using M = ServiceMode;

const Pressure kHigh{1.0, false, 0};
const Pressure kCalm{0.1, false, 0};
const Pressure kBetween{0.3, false, 0.03};  // under the down thresholds, over the up ones

// Feeds `pressure` every 250 ms for `span`, leaving `now` at the end of it.
void feed(DegradationLadder& ladder, const Pressure& pressure, TimePoint& now, Clock::duration span) {
  const TimePoint end = now + span;
  for (; now < end; now += 250ms) ladder.update(pressure, now);
}

TEST(DegradationLadder, ModeNames) {
  EXPECT_STREQ(service_mode_name(M::kFull), "full");
  EXPECT_STREQ(service_mode_name(M::kReduced), "reduced");
  EXPECT_STREQ(service_mode_name(M::kExtractive), "extractive");
  EXPECT_STREQ(service_mode_name(M::kCachedOnly), "cached");
  EXPECT_STREQ(service_mode_name(M::kRefuse), "refuse");
}

TEST(DegradationLadder, WalksDownOneRungPerHoldUnderSustainedPressure) {
  DegradationLadder ladder;
  TimePoint t0{1h};
  EXPECT_EQ(ladder.update(kHigh, t0), M::kFull);  // pressure has to last down_hold first
  EXPECT_EQ(ladder.update(kHigh, t0 + 999ms), M::kFull);
  EXPECT_EQ(ladder.update(kHigh, t0 + 1s), M::kReduced);
  EXPECT_EQ(ladder.update(kHigh, t0 + 1500ms), M::kReduced);
  EXPECT_EQ(ladder.update(kHigh, t0 + 2s), M::kExtractive);
  EXPECT_EQ(ladder.update(kHigh, t0 + 3s), M::kCachedOnly);
  EXPECT_EQ(ladder.update(kHigh, t0 + 4s), M::kRefuse);
  EXPECT_EQ(ladder.update(kHigh, t0 + 60s), M::kRefuse);
  EXPECT_EQ(ladder.transitions(), 4u);
}

TEST(DegradationLadder, ASheddingRateAlonePushesItDown) {
  DegradationLadder ladder;
  TimePoint t0{1h};
  ladder.update({0, false, 0.06}, t0);
  EXPECT_EQ(ladder.update({0, false, 0.06}, t0 + 1s), M::kReduced);
  EXPECT_EQ(ladder.update({0, false, 0.05}, t0 + 2s), M::kReduced);  // exactly the threshold is not over it
}

TEST(DegradationLadder, ClimbsBackOneRungPerUpHoldOfCalm) {
  DegradationLadder ladder;
  TimePoint now{1h};
  feed(ladder, kHigh, now, 5s);
  ASSERT_EQ(ladder.mode(), M::kRefuse);
  const TimePoint calm = now;
  std::vector<std::pair<Clock::duration, M>> expected = {
      {4750ms, M::kRefuse}, {5s, M::kCachedOnly},  {10s, M::kExtractive},
      {15s, M::kReduced},   {20s, M::kFull},       {60s, M::kFull}};
  for (auto [offset, mode] : expected) {
    feed(ladder, kCalm, now, calm + offset - now);
    EXPECT_EQ(ladder.update(kCalm, now), mode) << std::chrono::duration<double>(offset).count();
  }
}

TEST(DegradationLadder, PressureBetweenTheThresholdsHoldsTheMode) {
  DegradationLadder ladder;
  TimePoint now{1h};
  feed(ladder, kHigh, now, 1250ms);
  ASSERT_EQ(ladder.mode(), M::kReduced);
  feed(ladder, kBetween, now, 60s);
  EXPECT_EQ(ladder.mode(), M::kReduced);
  // Calm has to be unbroken: one in-between sample restarts the up_hold.
  feed(ladder, kCalm, now, 4500ms);
  ladder.update(kBetween, now);
  feed(ladder, kCalm, now, 4500ms);
  EXPECT_EQ(ladder.mode(), M::kReduced);
  feed(ladder, kCalm, now, 1s);
  EXPECT_EQ(ladder.mode(), M::kFull);
  EXPECT_EQ(ladder.transitions(), 2u);
}

TEST(DegradationLadder, DoesNotFlapOnAlternatingSamples) {
  DegradationLadder ladder;
  TimePoint now{1h};
  for (int i = 0; i < 240; ++i, now += 500ms) ladder.update(i % 2 ? kCalm : kHigh, now);
  EXPECT_EQ(ladder.mode(), M::kFull);
  EXPECT_EQ(ladder.transitions(), 0u);
  feed(ladder, kHigh, now, 2250ms);
  ASSERT_EQ(ladder.mode(), M::kExtractive);
  for (int i = 0; i < 240; ++i, now += 500ms) ladder.update(i % 2 ? kCalm : kHigh, now);
  EXPECT_EQ(ladder.mode(), M::kExtractive);
  EXPECT_EQ(ladder.transitions(), 2u);
}

TEST(DegradationLadder, AnOpenBreakerForcesExtractiveAndTheLadderClimbsBackAfterItCloses) {
  DegradationLadder ladder;
  TimePoint t0{1h};
  const Pressure open_calm{0.1, true, 0};
  EXPECT_EQ(ladder.update(open_calm, t0), M::kExtractive);  // at once, no hold
  TimePoint now = t0;
  feed(ladder, open_calm, now, 30s);
  EXPECT_EQ(ladder.mode(), M::kExtractive);  // calm does not lift it while open
  // Load pressure while open still pushes further down, and calm brings it back to the floor.
  feed(ladder, {1.0, true, 0}, now, 1250ms);
  EXPECT_EQ(ladder.mode(), M::kCachedOnly);
  feed(ladder, open_calm, now, 30s);
  EXPECT_EQ(ladder.mode(), M::kExtractive);
  // Closed and calm: one rung per up_hold, counted from the closing.
  const TimePoint closed = now;
  feed(ladder, kCalm, now, 4750ms);
  EXPECT_EQ(ladder.update(kCalm, closed + 4750ms), M::kExtractive);
  EXPECT_EQ(ladder.update(kCalm, closed + 5s), M::kReduced);
  now = closed + 5s;
  feed(ladder, kCalm, now, 5s);
  EXPECT_EQ(ladder.update(kCalm, now), M::kFull);
}

TEST(DegradationLadder, AnOpenBreakerDoesNotLiftAModeBelowExtractive) {
  DegradationLadder ladder;
  TimePoint now{1h};
  feed(ladder, kHigh, now, 3250ms);
  ASSERT_EQ(ladder.mode(), M::kCachedOnly);
  EXPECT_EQ(ladder.update({1.0, true, 0}, now), M::kCachedOnly);
}

TEST(DegradationLadder, AnnouncesEachChangeOutsideTheLock) {
  std::vector<std::pair<M, M>> seen;
  DegradationLadder* self = nullptr;
  DegradationLadderOptions options;
  options.on_change = [&](M from, M to) {
    seen.emplace_back(from, to);
    self->mode();  // would deadlock under the lock
  };
  DegradationLadder ladder(options);
  self = &ladder;
  TimePoint now{1h};
  ladder.update({0, true, 0}, now);
  now += 1s;
  ladder.update(kCalm, now);
  now += 5s;
  ladder.update(kCalm, now);
  std::vector<std::pair<M, M>> expected = {{M::kFull, M::kExtractive}, {M::kExtractive, M::kReduced}};
  EXPECT_EQ(seen, expected);
}

TEST(DegradationLadder, ValidateRejectsInvertedThresholdsAndNegativeHolds) {
  DegradationLadderOptions bad;
  bad.up_queue_delay_seconds = 1.0;
  EXPECT_THROW(DegradationLadder{bad}, std::invalid_argument);
  bad = {};
  bad.up_shed_rate = -0.1;
  EXPECT_THROW(DegradationLadder{bad}, std::invalid_argument);
  bad = {};
  bad.up_hold = -1s;
  EXPECT_THROW(DegradationLadder{bad}, std::invalid_argument);
  EXPECT_NO_THROW(DegradationLadderOptions{}.validate());
}

TEST(DegradationLadder, ConcurrentUpdatesAnnounceEveryChangeOnce) {
  std::atomic<uint64_t> announced{0};
  DegradationLadderOptions options;
  options.down_hold = 0s;
  options.up_hold = 1ms;
  options.on_change = [&](M, M) { announced.fetch_add(1); };
  DegradationLadder ladder(options);
  std::atomic<int64_t> clock_us{3600'000'000};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20000; ++i) {
        TimePoint now{std::chrono::microseconds(clock_us.fetch_add(100))};
        const int phase = (i / 500 + t) % 4;
        ladder.update({phase == 0 ? 1.0 : 0.0, phase == 3, 0}, now);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GT(ladder.transitions(), 0u);
  EXPECT_EQ(announced.load(), ladder.transitions());
}

}  // namespace
}  // namespace ragscale::serve::resilience
