#include "compare/figure_verdict.h"

#include <gtest/gtest.h>

namespace ragscale::compare {
namespace {

TEST(CompareFigureVerdict, WorseOnlyWhenTheWholeIntervalIsBeyondTheLimit) {
  const auto lower = Direction::kLowerIsBetter;
  EXPECT_EQ(judge_change(Interval{12, 30}, 10, lower), Verdict::kWorse);
  // Significant (excludes 0) and a point estimate beyond the limit, but the interval reaches
  // back inside it: the noise could explain the part beyond the limit.
  EXPECT_EQ(judge_change(Interval{3, 25}, 10, lower), Verdict::kSame);
  EXPECT_EQ(judge_change(Interval{-30, -12}, 10, lower), Verdict::kBetter);
  EXPECT_EQ(judge_change(Interval{-5, 5}, 10, lower), Verdict::kSame);
  EXPECT_EQ(judge_change(std::nullopt, 10, lower), Verdict::kSame);
  // Higher is better (throughput): the bad direction is down.
  const auto higher = Direction::kHigherIsBetter;
  EXPECT_EQ(judge_change(Interval{-30, -12}, 10, higher), Verdict::kWorse);
  EXPECT_EQ(judge_change(Interval{12, 30}, 10, higher), Verdict::kBetter);
  // A zero limit: any significant change counts.
  EXPECT_EQ(judge_change(Interval{0.5, 1}, 0, lower), Verdict::kWorse);
}

TEST(CompareFigureVerdict, NamesTheVerdicts) {
  EXPECT_EQ(verdict_name(Verdict::kBetter), "better");
  EXPECT_EQ(verdict_name(Verdict::kSame), "same");
  EXPECT_EQ(verdict_name(Verdict::kWorse), "worse");
}

}  // namespace
}  // namespace ragscale::compare
