#include "compare/proportion_difference.h"

#include <gtest/gtest.h>

namespace ragscale::compare {
namespace {

TEST(CompareProportionDifference, MatchesNewcombesExample) {
  // Newcombe (1998), example (a): 56/70 against 48/80, difference 0.2 in [0.0524, 0.3339].
  const auto interval = proportion_difference(48, 80, 1.0, 56, 70, 1.0);
  ASSERT_TRUE(interval);
  EXPECT_NEAR(interval->low, 0.0524, 1e-4);
  EXPECT_NEAR(interval->high, 0.3339, 1e-4);
}

TEST(CompareProportionDifference, ClusteredFailuresWidenTheInterval) {
  const auto independent = proportion_difference(10, 10000, 1.0, 30, 10000, 1.0);
  const auto clustered = proportion_difference(10, 10000, 1.0, 30, 10000, 25.0);
  ASSERT_TRUE(independent && clustered);
  EXPECT_GT(independent->low, 0);
  EXPECT_LT(clustered->low, 0);
}

TEST(CompareProportionDifference, NoRequestsGiveNoInterval) {
  EXPECT_FALSE(proportion_difference(0, 0, 1.0, 1, 10, 1.0));
  const auto none = proportion_difference(0, 1000, 1.0, 0, 1000, 1.0);
  ASSERT_TRUE(none);
  EXPECT_LT(none->low, 0);
  EXPECT_GT(none->high, 0);
}

}  // namespace
}  // namespace ragscale::compare
