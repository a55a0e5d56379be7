#include "load/load_shape.h"

#include <gtest/gtest.h>

namespace ragscale::load {
namespace {

using std::chrono::seconds;

TEST(StagedValue, InterpolatesLinearlyAndHoldsTheLastTarget) {
  StagedValue users(0, {{seconds(10), 100}, {seconds(10), 100}, {seconds(5), 0}});
  EXPECT_DOUBLE_EQ(users.at(Seconds(0)), 0);
  EXPECT_DOUBLE_EQ(users.at(Seconds(5)), 50);
  EXPECT_DOUBLE_EQ(users.at(Seconds(15)), 100);
  EXPECT_DOUBLE_EQ(users.at(Seconds(22.5)), 50);
  EXPECT_DOUBLE_EQ(users.at(Seconds(100)), 0);
  EXPECT_DOUBLE_EQ(users.total_duration().count(), 25);
  EXPECT_DOUBLE_EQ(users.peak(), 100);
}

TEST(StagedValue, ZeroLengthStageJumps) {
  StagedValue users(10, {{seconds(0), 500}, {seconds(10), 500}});
  EXPECT_DOUBLE_EQ(users.at(Seconds(0)), 500);
  EXPECT_DOUBLE_EQ(users.at(Seconds(3)), 500);
}

TEST(StagedValue, ConstantRateArrivalTimes) {
  StagedValue rate(100, {});
  EXPECT_NEAR(rate.time_of_cumulative(0)->count(), 0, 1e-9);
  EXPECT_NEAR(rate.time_of_cumulative(50)->count(), 0.5, 1e-9);
  EXPECT_NEAR(rate.time_of_cumulative(1000)->count(), 10, 1e-9);
}

TEST(StagedValue, RampingRateArrivalTimesFollowTheIntegral) {
  // 0 -> 100/s over 10 s: 500 arrivals in the ramp, then 100/s.
  StagedValue rate(0, {{seconds(10), 100}});
  EXPECT_NEAR(rate.time_of_cumulative(500)->count(), 10, 1e-9);
  // arrivals(t) = 5 t^2 within the ramp: 125 arrivals at t = 5.
  EXPECT_NEAR(rate.time_of_cumulative(125)->count(), 5, 1e-9);
  EXPECT_NEAR(rate.time_of_cumulative(600)->count(), 11, 1e-9);
}

TEST(StagedValue, ZeroRateNeverArrives) {
  StagedValue rate(0, {{seconds(5), 0}});
  EXPECT_FALSE(rate.time_of_cumulative(1).has_value());
}

TEST(UsersAtSpawnRate, RampsToTheUserCountAtTheRate) {
  auto users = users_at_spawn_rate(100, 10);
  EXPECT_DOUBLE_EQ(users.at(Seconds(5)), 50);
  EXPECT_DOUBLE_EQ(users.at(Seconds(10)), 100);
  EXPECT_DOUBLE_EQ(users.at(Seconds(60)), 100);
}

}  // namespace
}  // namespace ragscale::load
