#include "plan/usl_fit.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace ragscale::plan {
namespace {

std::vector<ScalingPoint> points_of(const UslModel& truth, std::initializer_list<double> counts, double noise = 0,
                                    unsigned seed = 1) {
  std::mt19937 rng(seed);
  std::normal_distribution<double> jitter(0, noise);
  std::vector<ScalingPoint> points;
  for (double n : counts) points.push_back({n, truth.predict(n) * (1 + jitter(rng))});
  return points;
}

TEST(UslFitTest, RecoversTheCoefficientsOfExactData) {
  UslModel truth;
  truth.lambda = 200;
  truth.sigma = 0.05;
  truth.kappa = 0.002;
  const auto points = points_of(truth, {1, 2, 4, 8, 16, 32});
  const UslModel fit = fit_usl(points);
  EXPECT_NEAR(fit.lambda, 200, 1e-6);
  EXPECT_NEAR(fit.sigma, 0.05, 1e-9);
  EXPECT_NEAR(fit.kappa, 0.002, 1e-9);
  EXPECT_NEAR(fit.r_squared, 1, 1e-12);
  ASSERT_TRUE(fit.peak());
  EXPECT_NEAR(*fit.peak(), std::sqrt(0.95 / 0.002), 1e-6);  // about 21.8 replicas
}

TEST(UslFitTest, NoisyMeasurementsPredictWithinAFewPercent) {
  UslModel truth;
  truth.lambda = 150;
  truth.sigma = 0.08;
  truth.kappa = 0.001;
  const UslModel fit = fit_usl(points_of(truth, {1, 2, 3, 4, 6, 8}, 0.02, 7));
  EXPECT_NEAR(fit.predict(12) / truth.predict(12), 1, 0.08);
  EXPECT_GT(fit.r_squared, 0.95);
}

TEST(UslFitTest, LinearScalingHasNoPeak) {
  UslModel truth;
  truth.lambda = 100;  // σ = κ = 0: every replica adds 100/s
  const UslModel fit = fit_usl(points_of(truth, {1, 2, 3, 5}));
  EXPECT_NEAR(fit.sigma, 0, 1e-9);
  EXPECT_NEAR(fit.kappa, 0, 1e-9);
  EXPECT_FALSE(fit.peak());
}

TEST(UslFitTest, ANegativeCoefficientIsPinnedAtZero) {
  // Slightly super-linear measurements would give σ < 0; the fit keeps σ at 0 instead.
  const std::vector<ScalingPoint> points = {{1, 100}, {2, 201}, {4, 396}, {8, 760}};
  const UslModel fit = fit_usl(points);
  EXPECT_GE(fit.sigma, 0);
  EXPECT_GE(fit.kappa, 0);
  EXPECT_NEAR(fit.predict(8), 760, 20);
}

TEST(UslFitTest, TooFewOrBadPointsAreRefusedWithTheReason) {
  const std::vector<ScalingPoint> two = {{1, 100}, {2, 180}, {2, 185}};
  try {
    fit_usl(two);
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("3 or more different counts"), std::string::npos);
  }
  const std::vector<ScalingPoint> zero = {{1, 100}, {2, 0}, {3, 250}};
  EXPECT_THROW(fit_usl(zero), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::plan
