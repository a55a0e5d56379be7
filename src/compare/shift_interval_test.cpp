#include "compare/shift_interval.h"

#include <gtest/gtest.h>

#include <numeric>
#include <random>

namespace ragscale::compare {
namespace {

TEST(CompareShiftInterval, NullDistributionIsExact) {
  // m = n = 2: the 6 arrangements give U = 0,1,2,2,3,4.
  const std::vector<double> small = mann_whitney_null(2, 2);
  ASSERT_EQ(small.size(), 5u);
  EXPECT_NEAR(small[0], 1.0 / 6, 1e-12);
  EXPECT_NEAR(small[2], 2.0 / 6, 1e-12);
  EXPECT_NEAR(small[4], 1.0 / 6, 1e-12);
  // m = n = 10: P(U <= 23) = 0.0216 and P(U <= 24) = 0.0262 (the table value of the 5% test).
  const std::vector<double> ten = mann_whitney_null(10, 10);
  EXPECT_NEAR(std::accumulate(ten.begin(), ten.end(), 0.0), 1.0, 1e-12);
  EXPECT_NEAR(std::accumulate(ten.begin(), ten.begin() + 24, 0.0), 0.0216, 2e-4);
  EXPECT_NEAR(std::accumulate(ten.begin(), ten.begin() + 25, 0.0), 0.0262, 2e-4);
  // Symmetric, and the same either way round.
  const std::vector<double> uneven = mann_whitney_null(3, 7);
  EXPECT_EQ(uneven.size(), 22u);
  EXPECT_NEAR(uneven[1], uneven[20], 1e-12);
  EXPECT_EQ(mann_whitney_null(7, 3), uneven);
}

TEST(CompareShiftInterval, EstimatesTheShiftAndBracketsIt) {
  const std::vector<double> base = {10, 11, 12, 13, 14, 15, 16, 17, 18, 19};
  std::vector<double> now = base;
  for (double& value : now) value += 5;
  const ShiftEstimate shift = estimate_shift(base, now);
  EXPECT_DOUBLE_EQ(shift.shift, 5);
  ASSERT_TRUE(shift.interval);
  // With 10 against 10 the interval is [D_(24), D_(77)] of the 100 differences.
  EXPECT_DOUBLE_EQ(shift.interval->low, 2);
  EXPECT_DOUBLE_EQ(shift.interval->high, 8);
  EXPECT_LT(shift.p_value, 0.01);
}

TEST(CompareShiftInterval, TooFewValuesGiveNoInterval) {
  EXPECT_FALSE(estimate_shift(std::vector<double>{1, 2, 3}, std::vector<double>{4, 5, 6}).interval);
  EXPECT_FALSE(estimate_shift(std::vector<double>{}, std::vector<double>{4, 5, 6}).interval);
  EXPECT_TRUE(estimate_shift(std::vector<double>{1, 2, 3, 4}, std::vector<double>{4, 5, 6, 7}).interval);
}

TEST(CompareShiftInterval, IdenticalValuesGiveAZeroShift) {
  const std::vector<double> zeros(11, 0.0);
  const ShiftEstimate shift = estimate_shift(zeros, zeros);
  EXPECT_EQ(shift.shift, 0);
  ASSERT_TRUE(shift.interval);
  EXPECT_EQ(*shift.interval, (Interval{0, 0}));
  EXPECT_EQ(shift.p_value, 1);
}

// 1000 pairs of 11-second series from the same distribution: the 95% interval excludes 0 in
// about 5% of them; from distributions 2 standard deviations apart, in nearly all.
TEST(CompareShiftInterval, FalsePositiveRateAndPower) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> noise(900, 30);
  auto series = [&](double shift) {
    std::vector<double> values;
    for (int i = 0; i < 11; ++i) values.push_back(std::round(noise(random) + shift));
    return values;
  };
  int false_positives = 0;
  int detected = 0;
  for (int pair = 0; pair < 1000; ++pair) {
    const ShiftEstimate same = estimate_shift(series(0), series(0));
    if (same.interval->low > 0 || same.interval->high < 0) ++false_positives;
    const ShiftEstimate shifted = estimate_shift(series(0), series(-60));
    if (shifted.interval->high < 0) ++detected;
  }
  EXPECT_LE(false_positives, 65);  // 5% + margin
  EXPECT_GE(detected, 950);
}

}  // namespace
}  // namespace ragscale::compare
