#include "compare/interval_series.h"

#include <gtest/gtest.h>

#include "compare/simulated_run_test_support.h"
#include "stats/stats_shard.h"

namespace ragscale::compare {
namespace {

TEST(CompareIntervalSeries, RecoversEachSecondsMeanAndLeavesOutThePartialEnds) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/a");
  RunStats stats;
  // Seconds 1..6: second s has s requests of s ms; second 4 one failure more.
  for (int second = 1; second <= 6; ++second) {
    for (int i = 0; i < second; ++i) shard.record_success(id, uint64_t(second) * 1000, 0);
    if (second == 4) shard.record_failure(id, 4000, 0, ErrorKind::kTimeout, "timeout");
    stats.add(shard.take_interval());
    stats.close_second(100.0 + second, 1);
  }
  for (const EndpointStats* endpoint : {&stats.endpoints()[0], static_cast<const EndpointStats*>(nullptr)}) {
    const std::vector<IntervalPoint> series = interval_series(stats, endpoint);
    ASSERT_EQ(series.size(), 4u);  // seconds 2..5
    for (size_t i = 0; i < series.size(); ++i) {
      const int second = int(i) + 2;
      EXPECT_EQ(series[i].requests, uint64_t(second + (second == 4)));
      EXPECT_EQ(series[i].failures, uint64_t(second == 4));
      EXPECT_NEAR(series[i].mean_latency_us, second * 1000.0, 1e-6);
    }
    EXPECT_EQ(requests_per_second(series), (std::vector<double>{2, 3, 5, 5}));
  }
}

TEST(CompareIntervalSeries, GroupsLongRunsIntoAtMostTheMaximumOfIntervals) {
  testing::SimulatedRun long_run;
  long_run.seconds = 700;
  long_run.requests_per_second = 3;
  const std::vector<IntervalPoint> series = interval_series(testing::simulate_run(long_run, 1).stats, nullptr);
  EXPECT_LE(series.size(), kMaxIntervals);
  EXPECT_EQ(series.front().seconds, 3);
  uint64_t requests = 0;
  for (const IntervalPoint& point : series) requests += point.requests;
  EXPECT_EQ(requests, 700u * 3);
}

TEST(CompareIntervalSeries, DesignEffectIsOneForIndependentRequestsAndLargeForSharedHiccups) {
  testing::SimulatedRun independent;
  independent.second_noise = 0;
  const output::RunSummary calm = testing::simulate_run(independent, 1);
  const double calm_effect = design_effect_of_means(interval_series(calm.stats, nullptr),
                                                    histogram_variance(calm.stats.aggregate().latency()));
  EXPECT_LT(calm_effect, 2.5);
  testing::SimulatedRun hiccups = independent;
  hiccups.second_noise = 0.2;
  const output::RunSummary noisy = testing::simulate_run(hiccups, 1);
  EXPECT_GT(design_effect_of_means(interval_series(noisy.stats, nullptr),
                                   histogram_variance(noisy.stats.aggregate().latency())),
            20);
}

TEST(CompareIntervalSeries, RateDesignEffectSeesFailuresInBursts) {
  std::vector<IntervalPoint> spread(10, IntervalPoint{1, 100, 1, 0, 0});
  EXPECT_LT(design_effect_of_rate(spread), 1.5);
  std::vector<IntervalPoint> burst(10, IntervalPoint{1, 100, 0, 0, 0});
  burst[3].failures = 10;
  EXPECT_GT(design_effect_of_rate(burst), 5);
  EXPECT_EQ(design_effect_of_rate(std::vector<IntervalPoint>(10, IntervalPoint{1, 100, 0, 0, 0})), 1.0);
}

}  // namespace
}  // namespace ragscale::compare
