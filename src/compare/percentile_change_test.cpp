#include "compare/percentile_change.h"

#include <gtest/gtest.h>

#include <random>

#include "compare/interval_series.h"
#include "compare/simulated_run_test_support.h"

namespace ragscale::compare {
namespace {

TEST(ComparePercentileChange, QuantilesMatchTheHistogram) {
  LatencyHistogram histogram;
  std::mt19937_64 random(3);
  std::lognormal_distribution<double> latency(10, 0.7);
  for (int i = 0; i < 5000; ++i) histogram.record(uint64_t(latency(random)));
  const HistogramQuantiles quantiles(histogram);
  for (double p : {0.0, 0.01, 1.0, 25.0, 50.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
    EXPECT_EQ(quantiles.at(p), histogram.percentile(p)) << p;
  }
  EXPECT_EQ(HistogramQuantiles(LatencyHistogram()).at(50), 0u);
}

TEST(ComparePercentileChange, EmptyHistogramsGiveNoInterval) {
  LatencyHistogram some;
  some.record(1000);
  EXPECT_FALSE(percentile_change(LatencyHistogram(), {10, 0}, some, {10, 0}, 50));
  EXPECT_FALSE(percentile_change(some, {10, 0}, LatencyHistogram(), {10, 0}, 50));
}

TEST(ComparePercentileChange, IsDeterministicAndNarrowsWithMoreSamples) {
  LatencyHistogram base, now;
  std::mt19937_64 random(5);
  std::lognormal_distribution<double> latency(10, 0.3);
  for (int i = 0; i < 20000; ++i) {
    base.record(uint64_t(latency(random)));
    now.record(uint64_t(latency(random) * 1.2));
  }
  const auto few = percentile_change(base, {50, 0}, now, {50, 0}, 95);
  const auto many = percentile_change(base, {20000, 0}, now, {20000, 0}, 95);
  const auto shared = percentile_change(base, {20000, 0.05}, now, {20000, 0.05}, 95);
  ASSERT_TRUE(few && many && shared);
  EXPECT_EQ(*few, *percentile_change(base, {50, 0}, now, {50, 0}, 95));
  EXPECT_GT(shared->high - shared->low, 3 * (many->high - many->low));
  EXPECT_GT(few->high - few->low, 3 * (many->high - many->low));
  EXPECT_LT(many->low, 20);
  EXPECT_GT(many->high, 20);
  EXPECT_GT(many->low, 15);
}

// The median's interval of one simulated pair, as compare_runs() builds it: the shared noise
// measured from each run's per-second means (or, naively, none).
std::optional<Interval> median_change(const output::RunSummary& base, const output::RunSummary& now, bool blocks) {
  auto noise = [&](const output::RunSummary& run) {
    const LatencyHistogram& latency = run.stats.aggregate().latency();
    return RunNoise{double(latency.count()), blocks ? shared_scale_sd(interval_series(run.stats, nullptr), latency) : 0};
  };
  return percentile_change(base.stats.aggregate().latency(), noise(base), now.stats.aggregate().latency(), noise(now),
                           50, 0.95, 1, 400);
}

// Runs whose seconds share hiccups: treating requests as independent calls the same build
// different in about a third of the pairs; adding the level noise measured from the
// per-second means keeps false positives near the nominal 5%, and still sees a 20% slowdown
// beyond a 10% limit in nearly every pair.
TEST(ComparePercentileChange, FalsePositiveRateAndPowerOnNoisyRuns) {
  testing::SimulatedRun noisy;
  noisy.seconds = 10;
  noisy.requests_per_second = 200;
  noisy.second_noise = 0.04;
  noisy.request_noise = 0.15;
  testing::SimulatedRun slower = noisy;
  slower.latency_us *= 1.2;
  int naive_false_positives = 0;
  int false_positives = 0;
  int beyond_limit_detected = 0;
  const int pairs = 1000;
  for (int pair = 0; pair < pairs; ++pair) {
    const output::RunSummary base = testing::simulate_run(noisy, 2 * pair + 1);
    const output::RunSummary same = testing::simulate_run(noisy, 2 * pair + 2);
    const auto naive = median_change(base, same, false);
    const auto honest = median_change(base, same, true);
    if (naive->low > 0 || naive->high < 0) ++naive_false_positives;
    if (honest->low > 0 || honest->high < 0) ++false_positives;
    const auto shifted = median_change(base, testing::simulate_run(slower, 5000 + pair), true);
    if (shifted->low > 10) ++beyond_limit_detected;
  }
  EXPECT_GT(naive_false_positives, pairs / 5);
  EXPECT_LE(false_positives, pairs * 8 / 100);  // 5% + margin
  EXPECT_GE(beyond_limit_detected, pairs * 95 / 100);
}

}  // namespace
}  // namespace ragscale::compare
