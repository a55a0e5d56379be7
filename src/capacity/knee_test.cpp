#include "capacity/knee.h"

#include <gtest/gtest.h>

namespace ragscale::capacity {
namespace {

TEST(CapacityKnee, ThroughputThatFlattensHasItsKneeWhereItFlattens) {
  const std::vector<KneePoint> points{{46, 46}, {92, 92}, {184, 184}, {368, 368}, {736, 736}, {1472, 1000},
                                      {1104, 1000}, {920, 920}, {1012, 1000}, {966, 966}};
  const auto knee = find_knee(points);
  ASSERT_TRUE(knee);
  EXPECT_GE(knee->offered, 966);
  EXPECT_LE(knee->offered, 1012);
}

TEST(CapacityKnee, AStraightLineHasNoKnee) {
  EXPECT_FALSE(find_knee({{10, 10}, {20, 20}, {40, 40}, {80, 80}}));
  EXPECT_FALSE(find_knee({{10, 10}, {20, 20}}));
}

}  // namespace
}  // namespace ragscale::capacity
