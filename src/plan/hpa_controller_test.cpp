#include "plan/hpa_controller.h"

#include <gtest/gtest.h>

namespace ragscale::plan {
namespace {

HpaObservation all_ready(int replicas, double metric) { return {replicas, replicas, metric}; }

TEST(HpaControllerTest, TheDocumentedRatio) {
  HpaSpec spec;
  spec.max_replicas = 100;
  spec.target = 70;
  HpaController hpa(spec);
  // 4 replicas at 90% against 70%: ceil(4 × 90 / 70) = ceil(5.14) = 6.
  EXPECT_EQ(hpa.raw_recommendation(all_ready(4, 90)), 6);
  spec.target = 100;
  HpaController doubling(spec);
  // "if the current metric value is 200m, and the desired value is 100m, the number of replicas will be doubled".
  EXPECT_EQ(doubling.raw_recommendation(all_ready(3, 200)), 6);
  // "if the current value is instead 50m, you'll halve the number of replicas".
  EXPECT_EQ(doubling.raw_recommendation(all_ready(6, 50)), 3);
}

TEST(HpaControllerTest, WithinTheToleranceNothingMoves) {
  HpaSpec spec;
  spec.target = 100;
  HpaController hpa(spec);
  EXPECT_EQ(hpa.raw_recommendation(all_ready(5, 109)), 5);
  EXPECT_EQ(hpa.raw_recommendation(all_ready(5, 91)), 5);
  EXPECT_EQ(hpa.raw_recommendation(all_ready(5, 111)), 6);
}

TEST(HpaControllerTest, StartingPodsCountAtZeroWhenScalingUp) {
  HpaSpec spec;
  spec.target = 50;
  spec.max_replicas = 50;
  HpaController hpa(spec);
  // 4 ready at 100% of a 50% target would ask for 8; with 4 more starting (at 0) the
  // average over 8 is exactly the target: no further scale-up.
  EXPECT_EQ(hpa.raw_recommendation({8, 4, 100}), 8);
  // 4 ready at 150%: over all 8 pods 75% → ceil(8 × 1.5) = 12.
  EXPECT_EQ(hpa.raw_recommendation({8, 4, 150}), 12);
}

TEST(HpaControllerTest, ScaleUpIsLimitedToTheDefaultPolicies) {
  HpaSpec spec;
  spec.target = 10;
  spec.max_replicas = 100;
  HpaController hpa(spec);
  // Defaults: up by max(100%, 4 pods) each 15 s. From 1: 5 (4 pods beat 100%).
  EXPECT_EQ(hpa.reconcile(0, all_ready(1, 1000)), 5);
  // Within the same 15 s the 4 added count: still at most max(2 × 1, 1 + 4) = 5.
  EXPECT_EQ(hpa.reconcile(10, all_ready(5, 1000)), 5);
  // A period later, from 5: max(10, 9) = 10; then 20.
  EXPECT_EQ(hpa.reconcile(20, all_ready(5, 1000)), 10);
  EXPECT_EQ(hpa.reconcile(40, all_ready(10, 1000)), 20);
  EXPECT_EQ(hpa.reconcile(60, all_ready(20, 1000)), 40);
  EXPECT_EQ(hpa.reconcile(80, all_ready(40, 1000)), 80);
  EXPECT_EQ(hpa.reconcile(100, all_ready(80, 1000)), 100);  // max replicas
}

TEST(HpaControllerTest, ScaleDownWaitsForTheStabilizationWindow) {
  HpaSpec spec;
  spec.target = 50;
  spec.max_replicas = 20;
  HpaController hpa(spec);
  int replicas = 10;
  // A spike's last high sample at t = 0 recommends 10; then the load drops to a tenth.
  EXPECT_EQ(hpa.reconcile(0, all_ready(replicas, 50)), 10);
  for (double t = 15; t < 300; t += 15) {
    replicas = hpa.reconcile(t, all_ready(replicas, 5));
    EXPECT_EQ(replicas, 10) << "at " << t << " s the 300 s window still holds the high recommendation";
  }
  replicas = hpa.reconcile(300, all_ready(replicas, 5));
  EXPECT_EQ(replicas, 1);  // 100% per 15 s may remove them all; min replicas 1
}

TEST(HpaControllerTest, TheDocumentedScaleDownPolicies) {
  // The documentation's example: Pods 4 and Percent 10 per 60 s, selectPolicy Max (default):
  // from 80 replicas 8 go first (10% > 4); at 40 or fewer 4 go each period.
  HpaSpec spec;
  spec.target = 50;
  spec.min_replicas = 1;
  spec.max_replicas = 100;
  spec.scale_down = {0, {{ScalingPolicy::Type::kPods, 4, 60}, {ScalingPolicy::Type::kPercent, 10, 60}},
                     ScalingRules::Select::kMax};
  HpaController hpa(spec);
  EXPECT_EQ(hpa.reconcile(0, all_ready(80, 1)), 72);
  EXPECT_EQ(hpa.reconcile(15, all_ready(72, 1)), 72);  // the period's change is spent
  EXPECT_EQ(hpa.reconcile(60, all_ready(72, 1)), 64);  // 10% of 72 = 7.2 → 64 (truncated)
  HpaController small(spec);
  EXPECT_EQ(small.reconcile(0, all_ready(40, 1)), 36);  // 4 pods beat 10% of 40
  // selectPolicy Min picks the smaller change.
  spec.scale_down.select = ScalingRules::Select::kMin;
  HpaController careful(spec);
  EXPECT_EQ(careful.reconcile(0, all_ready(80, 1)), 76);
  spec.scale_down.select = ScalingRules::Select::kDisabled;
  HpaController never(spec);
  EXPECT_EQ(never.reconcile(0, all_ready(80, 1)), 80);
}

TEST(HpaControllerTest, BoundsAndBadSpecs) {
  HpaSpec spec;
  spec.min_replicas = 3;
  spec.max_replicas = 6;
  spec.target = 50;
  HpaController hpa(spec);
  EXPECT_EQ(hpa.reconcile(0, all_ready(4, 1)), 3);
  EXPECT_EQ(hpa.reconcile(15, all_ready(1, 50)), 3);  // below min: brought up
  spec.min_replicas = 0;
  EXPECT_THROW(HpaController{spec}, std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::plan
