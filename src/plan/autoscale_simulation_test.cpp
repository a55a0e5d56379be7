#include "plan/autoscale_simulation.h"

#include <gtest/gtest.h>

#include <vector>

namespace ragscale::plan {
namespace {

// `base` requests/s, then `peak` from `at` for `length` seconds, `total` seconds in all.
std::vector<double> spike(double base, double peak, int at, int length, int total) {
  std::vector<double> demand(static_cast<size_t>(total), base);
  for (int s = at; s < at + length && s < total; ++s) demand[static_cast<size_t>(s)] = peak;
  return demand;
}

AutoscaleSettings settings_of(double target, int max_replicas, double startup_s) {
  AutoscaleSettings settings;
  settings.per_replica_rps = 100;
  settings.startup_s = startup_s;
  settings.hpa.target = target;
  settings.hpa.max_replicas = max_replicas;
  return settings;
}

TEST(AutoscaleSimulationTest, SteadyLoadWithinCapacityHoldsAndCostsWhatItRuns) {
  const std::vector<double> demand(3600, 280);  // 4 replicas at 70% hold 280/s
  const AutoscaleResult result = simulate_autoscaling(demand, settings_of(70, 10, 60));
  EXPECT_EQ(result.violated_seconds, 0);
  EXPECT_EQ(result.scale_events, 0);
  EXPECT_EQ(result.peak_replicas, 4);
  EXPECT_NEAR(result.replica_hours, 4.0, 1e-9);
}

TEST(AutoscaleSimulationTest, ASpikeIsViolatedUntilNewPodsAreReadyThenHeldForTheWindow) {
  // 200/s on 3 replicas (target 70%), then 600/s for 10 minutes from t = 600.
  const auto demand = spike(200, 600, 600, 600, 2400);
  const AutoscaleResult slow = simulate_autoscaling(demand, settings_of(70, 20, 60));
  const AutoscaleResult fast = simulate_autoscaling(demand, settings_of(70, 20, 0));
  EXPECT_GT(slow.violated_seconds, 60);   // at least the 60 s start-up, plus the backlog
  EXPECT_LT(slow.violated_seconds, 240);
  EXPECT_LT(fast.violated_seconds, slow.violated_seconds);
  EXPECT_EQ(slow.seconds[599].replicas, 3);
  EXPECT_GE(slow.peak_replicas, 9);  // 600/s at 70% of 100/s: ceil(8.57) = 9
  // After the spike (t = 1200) the scale-down window keeps the replicas 300 s.
  EXPECT_EQ(slow.seconds[1200 + 290].replicas, slow.seconds[1199].replicas);
  EXPECT_LT(slow.seconds[1200 + 330].replicas, slow.seconds[1199].replicas);
  EXPECT_EQ(slow.seconds.back().replicas, 3);
}

TEST(AutoscaleSimulationTest, TheSearchFindsASettingWithoutViolationsAtTheLeastCost) {
  const auto demand = spike(200, 600, 600, 600, 2400);
  const AutoscaleChoice choice = search_autoscaling(demand, settings_of(70, 20, 60));
  EXPECT_EQ(choice.result.violated_seconds, 0);
  // One setting of the searched space that holds: 6 replicas at least (they take 600/s).
  const AutoscaleResult six_or_more = simulate_autoscaling(demand, [] {
    auto s = settings_of(90, 20, 60);
    s.hpa.min_replicas = 6;
    return s;
  }());
  EXPECT_EQ(six_or_more.violated_seconds, 0);
  EXPECT_LE(choice.result.replica_hours, six_or_more.replica_hours + 1e-9);
  // The default target would not have held it.
  EXPECT_GT(simulate_autoscaling(demand, settings_of(70, 20, 60)).violated_seconds, 0);
}

TEST(AutoscaleSimulationTest, AGivenMinimumIsKeptAndOnlyTheTargetSearched) {
  const auto demand = spike(200, 600, 600, 600, 2400);
  const AutoscaleChoice choice = search_autoscaling(demand, settings_of(70, 20, 60), 2);
  EXPECT_EQ(choice.min_replicas, 2);
  // No target from 30% to 90% does better with a minimum of 2.
  for (int target = 30; target <= 90; target += 5) {
    auto settings = settings_of(target, 20, 60);
    settings.hpa.min_replicas = 2;
    const AutoscaleResult tried = simulate_autoscaling(demand, settings);
    EXPECT_GE(tried.violated_seconds, choice.result.violated_seconds) << target;
    if (tried.violated_seconds == choice.result.violated_seconds) {
      EXPECT_GE(tried.replica_hours, choice.result.replica_hours - 1e-9) << target;
    }
  }
}

TEST(AutoscaleSimulationTest, BadSettingsAreRefused) {
  const std::vector<double> demand(10, 1);
  auto settings = settings_of(70, 10, 60);
  settings.per_replica_rps = 0;
  EXPECT_THROW(simulate_autoscaling(demand, settings), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::plan
