#include "plan/replica_plan.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ragscale::plan {
namespace {

TEST(ReplicaPlanTest, TheWorkedExampleIsTenReplicas) {
  // 10,000 users × 10 requests/min = 1,666.7/s; × 1.2 = 2,000/s; at 200/s a replica: 10.
  DemandInput input;
  input.demand_rps = demand_of(10'000, 10);
  input.per_replica_rps = 200;
  input.headroom = 0.2;
  const ReplicaPlan plan = plan_replicas(input);
  EXPECT_NEAR(plan.demand_rps, 1666.667, 0.001);
  EXPECT_NEAR(plan.required_rps, 2000, 1e-6);
  EXPECT_EQ(plan.replicas, 10);
  EXPECT_NEAR(plan.utilization, 1666.667 / 2000, 1e-4);
  EXPECT_TRUE(plan.growth.empty());
}

TEST(ReplicaPlanTest, AnyExcessNeedsAnotherReplicaAndThereIsAlwaysOne) {
  EXPECT_EQ(replicas_for(2000.5, 200), 11);
  EXPECT_EQ(replicas_for(0, 200), 1);
  EXPECT_EQ(replicas_for(199, 200), 1);
  EXPECT_THROW(replicas_for(10, 0), std::invalid_argument);
}

TEST(ReplicaPlanTest, GrowthSaysWhenEachReplicaIsNeeded) {
  DemandInput input;
  input.demand_rps = 1000;
  input.per_replica_rps = 200;
  input.headroom = 0.2;  // 1,200/s: 6 replicas now, exactly full
  input.monthly_growth = 0.10;
  input.horizon_months = 12;
  const ReplicaPlan plan = plan_replicas(input);
  EXPECT_EQ(plan.replicas, 6);
  ASSERT_FALSE(plan.growth.empty());
  // The 7th is needed at once (6 are exactly full); the 8th when 1,200 × 1.1^t = 1,400.
  EXPECT_EQ(plan.growth[0].replicas, 7);
  EXPECT_NEAR(plan.growth[0].from_month, 0, 1e-9);
  EXPECT_EQ(plan.growth[1].replicas, 8);
  EXPECT_NEAR(plan.growth[1].from_month, std::log(1400.0 / 1200) / std::log(1.1), 1e-9);
  // After 12 months: 1,200 × 1.1^12 = 3,766/s with headroom: 19 replicas.
  EXPECT_EQ(plan.replicas_at_horizon, 19);
  EXPECT_EQ(plan.growth.back().replicas, 19);
  for (size_t i = 1; i < plan.growth.size(); ++i) EXPECT_GT(plan.growth[i].from_month, plan.growth[i - 1].from_month);
}

}  // namespace
}  // namespace ragscale::plan
