#include "stats/wilson_interval.h"

#include <gtest/gtest.h>

namespace ragscale {
namespace {

TEST(WilsonInterval, MatchesKnownValues) {
  // 8 of 10 at 95%: [0.4902, 0.9433] (Wilson 1927; e.g. R's prop.test without correction).
  ProportionInterval a = wilson_interval(8, 10);
  EXPECT_NEAR(a.low, 0.4902, 1e-4);
  EXPECT_NEAR(a.high, 0.9433, 1e-4);
  // 800 of 1000: [0.7741, 0.8236].
  ProportionInterval b = wilson_interval(800, 1000);
  EXPECT_NEAR(b.low, 0.7741, 1e-4);
  EXPECT_NEAR(b.high, 0.8236, 1e-4);
}

TEST(WilsonInterval, StaysInsideZeroAndOneAtTheEdges) {
  ProportionInterval all = wilson_interval(20, 20);
  EXPECT_NEAR(all.low, 0.8389, 1e-4);
  EXPECT_DOUBLE_EQ(all.high, 1.0);
  ProportionInterval none = wilson_interval(0, 20);
  EXPECT_DOUBLE_EQ(none.low, 0.0);
  EXPECT_NEAR(none.high, 0.1611, 1e-4);
}

TEST(WilsonInterval, NoTrialsMeansNothingIsKnown) {
  ProportionInterval empty = wilson_interval(0, 0);
  EXPECT_EQ(empty.low, 0.0);
  EXPECT_EQ(empty.high, 1.0);
}

}  // namespace
}  // namespace ragscale
