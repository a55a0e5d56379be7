#include "stats/quantile_interval.h"

#include <gtest/gtest.h>

namespace ragscale {
namespace {

TEST(QuantileInterval, MedianOfOneHundredMatchesTheTable) {
  // The classic distribution-free 95% interval of the median of 100 samples: X(40)..X(61).
  QuantileRanks ranks = quantile_confidence_ranks(100, 0.5);
  ASSERT_TRUE(ranks.lower && ranks.upper);
  EXPECT_EQ(*ranks.lower, 40u);
  EXPECT_EQ(*ranks.upper, 61u);
}

TEST(QuantileInterval, TooFewSamplesHaveNoUpperBoundForATailPercentile) {
  EXPECT_FALSE(quantile_confidence_ranks(71, 0.95).upper);
  EXPECT_EQ(*quantile_confidence_ranks(72, 0.95).upper, 72u);
  EXPECT_EQ(samples_for_quantile_upper_bound(0.95), 72u);
  EXPECT_EQ(samples_for_quantile_upper_bound(0.99), 368u);
  EXPECT_FALSE(quantile_confidence_ranks(367, 0.99).upper);
  EXPECT_TRUE(quantile_confidence_ranks(368, 0.99).upper);
}

TEST(QuantileInterval, LargeSamplesGiveATightIntervalAroundTheQuantile) {
  QuantileRanks ranks = quantile_confidence_ranks(1'000'000, 0.95);
  ASSERT_TRUE(ranks.lower && ranks.upper);
  // 950000 +- 1.96 * sqrt(n q (1-q)) = +- 427.
  EXPECT_NEAR(static_cast<double>(*ranks.lower), 950000 - 427, 3);
  EXPECT_NEAR(static_cast<double>(*ranks.upper), 950000 + 428, 3);
}

TEST(QuantileInterval, NoSamplesNoBounds) {
  QuantileRanks ranks = quantile_confidence_ranks(0, 0.5);
  EXPECT_FALSE(ranks.lower);
  EXPECT_FALSE(ranks.upper);
}

}  // namespace
}  // namespace ragscale
