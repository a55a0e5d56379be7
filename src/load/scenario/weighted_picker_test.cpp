#include "load/scenario/weighted_picker.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ragscale::scenario {
namespace {

std::vector<int> histogram(const WeightedPicker& picker, int draws) {
  Rng rng(42);
  std::vector<int> counts(picker.size());
  for (int i = 0; i < draws; ++i) ++counts[picker.pick(rng)];
  return counts;
}

TEST(WeightedPicker, FollowsWeights) {
  auto counts = histogram(WeightedPicker({3, 1}), 100'000);
  EXPECT_NEAR(counts[0] / 100'000.0, 0.75, 0.01);
  EXPECT_NEAR(counts[1] / 100'000.0, 0.25, 0.01);
}

TEST(WeightedPicker, NeverPicksZeroWeight) {
  auto counts = histogram(WeightedPicker({0, 5, 0}), 10'000);
  EXPECT_EQ(counts[0], 0);
  EXPECT_EQ(counts[1], 10'000);
  EXPECT_EQ(counts[2], 0);
}

TEST(WeightedPicker, LargeSetsUseTheSameDistribution) {
  std::vector<uint32_t> weights(20, 1);
  weights[19] = 19;  // half of the total
  auto counts = histogram(WeightedPicker(weights), 100'000);
  EXPECT_NEAR(counts[19] / 100'000.0, 0.5, 0.01);
  EXPECT_NEAR(counts[0] / 100'000.0, 1.0 / 38, 0.005);
}

TEST(WeightedPicker, RejectsAllZero) {
  EXPECT_THROW(WeightedPicker({0, 0}), std::invalid_argument);
  EXPECT_THROW(WeightedPicker(std::vector<uint32_t>{}), std::invalid_argument);
}

TEST(Rng, BoundsAreInclusiveAndSwappedBoundsWork) {
  Rng rng(7);
  bool saw_low = false, saw_high = false;
  for (int i = 0; i < 10'000; ++i) {
    int64_t value = rng.uniform_int(5, 1);
    ASSERT_GE(value, 1);
    ASSERT_LE(value, 5);
    saw_low |= value == 1;
    saw_high |= value == 5;
    double real = rng.uniform_real(0.5, 1.5);
    ASSERT_GE(real, 0.5);
    ASSERT_LT(real, 1.5);
  }
  EXPECT_TRUE(saw_low && saw_high);
}

}  // namespace
}  // namespace ragscale::scenario
