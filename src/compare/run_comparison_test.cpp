#include "compare/run_comparison.h"

#include <gtest/gtest.h>

#include "compare/interval_series.h"
#include "compare/percentile_change.h"
#include "compare/simulated_run_test_support.h"

namespace ragscale::compare {
namespace {

const Figure& figure_of(const NameComparison& name, const std::string& label) {
  for (const Figure& figure : name.figures) {
    if (figure.label == label) return figure;
  }
  throw std::runtime_error("no figure " + label);
}

Comparison compare(const output::RunSummary& base, const output::RunSummary& now, double limit = 10) {
  return compare_runs(base, "base.json", now, "new.json", {.max_regression_pct = limit});
}

TEST(CompareRunComparison, SameDistributionIsNoRegression) {
  const testing::SimulatedRun run;
  int regressed = 0;
  for (uint64_t pair = 0; pair < 50; ++pair) {
    if (!compare(testing::simulate_run(run, 2 * pair + 1), testing::simulate_run(run, 2 * pair + 2)).regressions().empty()) {
      ++regressed;
    }
  }
  EXPECT_LE(regressed, 1);
}

TEST(CompareRunComparison, SlowerTargetIsARegressionOfItsLatencies) {
  testing::SimulatedRun run;
  testing::SimulatedRun slower = run;
  slower.latency_us *= 1.25;
  const Comparison comparison = compare(testing::simulate_run(run, 1), testing::simulate_run(slower, 2));
  ASSERT_EQ(comparison.names.size(), 2u);
  EXPECT_EQ(comparison.names[0].name, "/x");
  EXPECT_EQ(comparison.names[1].name, "Aggregated");
  EXPECT_TRUE(comparison.names[1].aggregate);
  const Figure& p50 = figure_of(comparison.names[0], "p50");
  EXPECT_EQ(p50.verdict, Verdict::kWorse);
  EXPECT_NEAR(*p50.delta_pct, 25, 3);
  ASSERT_TRUE(p50.change);
  EXPECT_LT(p50.change->low, 25);
  EXPECT_GT(p50.change->high, 25);
  // The open rate did not change: same throughput, same (no) errors.
  EXPECT_EQ(figure_of(comparison.names[0], "throughput").verdict, Verdict::kSame);
  EXPECT_EQ(figure_of(comparison.names[0], "error rate").verdict, Verdict::kSame);
  EXPECT_FALSE(comparison.regressions().empty());
  // The other way round it is better, and no regression.
  const Comparison reverse = compare(testing::simulate_run(slower, 2), testing::simulate_run(run, 1));
  EXPECT_EQ(figure_of(reverse.names[0], "p50").verdict, Verdict::kBetter);
  EXPECT_TRUE(reverse.regressions().empty());
}

// One slow second (all its requests 40% slower) makes the slowest 8% of a 12-second run: the
// tail percentiles jump although nothing changed for good. With seconds as the units of
// independence that is within the noise; with a level noise alone it would be "worse".
TEST(CompareRunComparison, ASingleHiccupSecondIsNotARegressionOfTheTail) {
  testing::SimulatedRun calm;
  calm.second_noise = 0.01;
  testing::SimulatedRun hiccup = calm;
  hiccup.hiccup_second = 6;
  hiccup.hiccup_factor = 1.4;
  const output::RunSummary base = testing::simulate_run(calm, 1);
  const output::RunSummary now = testing::simulate_run(hiccup, 2);
  const Comparison comparison = compare(base, now);
  const Figure& p99 = figure_of(comparison.names[0], "p99");
  EXPECT_GT(*p99.delta_pct, 20);
  EXPECT_EQ(p99.verdict, Verdict::kSame);
  EXPECT_TRUE(comparison.regressions().empty());
  auto level_only = [](const output::RunSummary& run) {
    const LatencyHistogram& latency = run.stats.aggregate().latency();
    return RunNoise{double(latency.count()), shared_scale_sd(interval_series(run.stats, nullptr), latency)};
  };
  const auto naive = percentile_change(base.stats.aggregate().latency(), level_only(base),
                                       now.stats.aggregate().latency(), level_only(now), 99);
  EXPECT_EQ(judge_change(naive, 10, Direction::kLowerIsBetter), Verdict::kWorse);
}

TEST(CompareRunComparison, ASmallShiftWithinTheLimitIsTheSame) {
  testing::SimulatedRun run;
  testing::SimulatedRun a_bit_slower = run;
  a_bit_slower.latency_us *= 1.05;
  const Comparison comparison = compare(testing::simulate_run(run, 1), testing::simulate_run(a_bit_slower, 2));
  EXPECT_EQ(figure_of(comparison.names[0], "p50").verdict, Verdict::kSame);
  EXPECT_TRUE(comparison.regressions().empty());
  // With a 1% limit the same shift, well outside the noise, is a regression.
  EXPECT_FALSE(compare(testing::simulate_run(run, 1), testing::simulate_run(a_bit_slower, 2), 1).regressions().empty());
}

TEST(CompareRunComparison, FailuresAppearingAreARegressionInPoints) {
  testing::SimulatedRun run;
  testing::SimulatedRun failing = run;
  failing.failure_ratio = 0.03;
  const Comparison comparison = compare(testing::simulate_run(run, 1), testing::simulate_run(failing, 2));
  const Figure& errors = figure_of(comparison.names[0], "error rate");
  EXPECT_TRUE(errors.change_in_points);
  EXPECT_EQ(errors.base, 0);
  EXPECT_FALSE(errors.delta_pct);
  EXPECT_DOUBLE_EQ(errors.limit, 0.1);
  EXPECT_EQ(errors.verdict, Verdict::kWorse);
}

TEST(CompareRunComparison, LowerThroughputIsARegression) {
  testing::SimulatedRun run;
  testing::SimulatedRun fewer = run;
  fewer.requests_per_second = 150;
  const Comparison comparison = compare(testing::simulate_run(run, 1), testing::simulate_run(fewer, 2));
  const Figure& throughput = figure_of(comparison.names[0], "throughput");
  EXPECT_DOUBLE_EQ(throughput.base, 200);
  EXPECT_DOUBLE_EQ(throughput.now, 150);
  EXPECT_EQ(throughput.verdict, Verdict::kWorse);
}

TEST(CompareRunComparison, StreamedAnswersAddTheirFigures) {
  testing::SimulatedRun streamed;
  streamed.ttft_us = 200000;
  testing::SimulatedRun slower_first_token = streamed;
  slower_first_token.ttft_us *= 1.3;
  const Comparison comparison =
      compare(testing::simulate_run(streamed, 1), testing::simulate_run(slower_first_token, 2));
  const NameComparison& aggregate = comparison.names.back();
  EXPECT_EQ(figure_of(aggregate, "TTFT p50").verdict, Verdict::kWorse);
  EXPECT_EQ(figure_of(aggregate, "TTFT p95").verdict, Verdict::kWorse);
  figure_of(aggregate, "ITL p99");
  figure_of(aggregate, "TPOT p50");
  EXPECT_EQ(figure_of(aggregate, "output tokens/s").verdict, Verdict::kSame);
  EXPECT_EQ(figure_of(aggregate, "p50").verdict, Verdict::kSame);
  // Without streams in one run, no streaming figures at all.
  const Comparison mixed = compare(testing::simulate_run(streamed, 1), testing::simulate_run(testing::SimulatedRun(), 2));
  EXPECT_THROW(figure_of(mixed.names.back(), "TTFT p50"), std::runtime_error);
}

TEST(CompareRunComparison, NamesInOnlyOneRunAreListedNotCompared) {
  testing::SimulatedRun other = testing::SimulatedRun();
  other.name = "/y";
  output::RunSummary base = testing::simulate_run(testing::SimulatedRun(), 1);
  output::RunSummary now = testing::simulate_run(testing::SimulatedRun(), 2);
  output::merge_summaries(now, testing::simulate_run(other, 3));
  const Comparison comparison = compare(base, now);
  EXPECT_EQ(comparison.names.size(), 2u);
  EXPECT_TRUE(comparison.only_in_base.empty());
  EXPECT_EQ(comparison.only_in_new, (std::vector<std::string>{"GET /y"}));
}

TEST(CompareRunComparison, RunsOfDifferentTargetsOrScenariosAreIncompatible) {
  testing::SimulatedRun run;
  EXPECT_FALSE(incompatibility(testing::simulate_run(run, 1), testing::simulate_run(run, 2)));
  testing::SimulatedRun elsewhere = run;
  elsewhere.host = "http://10.0.0.2:8080";
  const auto host = incompatibility(testing::simulate_run(run, 1), testing::simulate_run(elsewhere, 2));
  ASSERT_TRUE(host);
  EXPECT_NE(host->find("different targets"), std::string::npos);
  testing::SimulatedRun scripted = run;
  scripted.scenario = "rag.yaml";
  const auto scenario = incompatibility(testing::simulate_run(run, 1), testing::simulate_run(scripted, 2));
  ASSERT_TRUE(scenario);
  EXPECT_NE(scenario->find("'rag.yaml'"), std::string::npos);
}

TEST(CompareRunComparison, EmptyRunsCompareWithoutCrashing) {
  output::RunSummary empty;
  const Comparison comparison = compare(empty, empty);
  ASSERT_EQ(comparison.names.size(), 1u);
  EXPECT_TRUE(comparison.regressions().empty());
  EXPECT_FALSE(figure_of(comparison.names[0], "p50").change);
}

}  // namespace
}  // namespace ragscale::compare
