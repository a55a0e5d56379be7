#include "sim/distribution.h"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

namespace ragscale::sim {
namespace {

TEST(SimDistribution, SameSeedGivesSameSamples) {
  Distribution d = Distribution::lognormal(300000, 100000);
  Random a(7), b(7), c(8);
  std::vector<double> first, second, third;
  for (int i = 0; i < 100; ++i) {
    first.push_back(d.sample(a));
    second.push_back(d.sample(b));
    third.push_back(d.sample(c));
  }
  EXPECT_EQ(first, second);
  EXPECT_NE(first, third);
}

TEST(SimDistribution, ConstantAlwaysReturnsItsValue) {
  Random random(1);
  Distribution d = Distribution::constant(42);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(d.sample(random), 42);
}

TEST(SimDistribution, UniformStaysInBoundsAndCoversThem) {
  Random random(3);
  Distribution d = Distribution::uniform(200, 400);
  double low = 1e9, high = 0, sum = 0;
  const int n = 20000;
  for (int i = 0; i < n; ++i) {
    double x = d.sample(random);
    low = std::min(low, x);
    high = std::max(high, x);
    sum += x;
  }
  EXPECT_GE(low, 200);
  EXPECT_LT(high, 400);
  EXPECT_LT(low, 202);
  EXPECT_GT(high, 398);
  EXPECT_NEAR(sum / n, 300, 3);
}

// Sample mean and standard deviation land near the configured ones.
void expect_moments(const Distribution& d, double mean, double stddev) {
  Random random(11);
  const int n = 50000;
  double sum = 0, sum_sq = 0;
  for (int i = 0; i < n; ++i) {
    double x = d.sample(random);
    EXPECT_GE(x, 0);
    sum += x;
    sum_sq += x * x;
  }
  double sample_mean = sum / n;
  double sample_stddev = std::sqrt(sum_sq / n - sample_mean * sample_mean);
  EXPECT_NEAR(sample_mean, mean, mean * 0.02);
  EXPECT_NEAR(sample_stddev, stddev, stddev * 0.05);
}

TEST(SimDistribution, NormalHasConfiguredMoments) { expect_moments(Distribution::normal(300, 50), 300, 50); }

TEST(SimDistribution, LognormalHasConfiguredMomentsNotThoseOfTheLog) {
  expect_moments(Distribution::lognormal(300, 100), 300, 100);
}

TEST(SimDistribution, NormalIsClampedAtZero) {
  Random random(5);
  Distribution d = Distribution::normal(0, 100);
  int zeros = 0;
  for (int i = 0; i < 1000; ++i) {
    double x = d.sample(random);
    EXPECT_GE(x, 0);
    zeros += x == 0;
  }
  EXPECT_GT(zeros, 400);
}

TEST(SimDistribution, ParsesEveryKindOfDuration) {
  Distribution c = parse_distribution("300ms", DistributionUnit::kDuration);
  EXPECT_EQ(c.kind(), DistributionKind::kConstant);
  EXPECT_EQ(c.first(), 300000);
  Distribution u = parse_distribution(" uniform(200ms, 1.5s) ", DistributionUnit::kDuration);
  EXPECT_EQ(u.kind(), DistributionKind::kUniform);
  EXPECT_EQ(u.first(), 200000);
  EXPECT_EQ(u.second(), 1500000);
  Distribution n = parse_distribution("normal(300ms,50ms)", DistributionUnit::kDuration);
  EXPECT_EQ(n.kind(), DistributionKind::kNormal);
  EXPECT_EQ(n.second(), 50000);
  Distribution l = parse_distribution("lognormal(1s, 200ms)", DistributionUnit::kDuration);
  EXPECT_EQ(l.kind(), DistributionKind::kLognormal);
  EXPECT_EQ(parse_distribution("constant(2s)", DistributionUnit::kDuration).first(), 2000000);
}

TEST(SimDistribution, ParsesCounts) {
  Distribution u = parse_distribution("uniform(50, 200)", DistributionUnit::kCount);
  EXPECT_EQ(u.first(), 50);
  EXPECT_EQ(u.second(), 200);
  EXPECT_EQ(parse_distribution("128", DistributionUnit::kCount).first(), 128);
}

TEST(SimDistribution, RejectsBadTextWithAClearMessage) {
  auto message = [](std::string_view text, DistributionUnit unit) {
    try {
      parse_distribution(text, unit);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message("gaussian(1s, 2s)", DistributionUnit::kDuration).find("unknown kind 'gaussian'"), std::string::npos);
  EXPECT_NE(message("uniform(1s)", DistributionUnit::kDuration).find("takes 2 values"), std::string::npos);
  EXPECT_NE(message("normal(1s, 2s", DistributionUnit::kDuration).find("missing ')'"), std::string::npos);
  EXPECT_NE(message("fast", DistributionUnit::kDuration).find("write e.g."), std::string::npos);
  EXPECT_NE(message("-3", DistributionUnit::kCount).find("negative"), std::string::npos);
  EXPECT_NE(message("", DistributionUnit::kCount).find("empty"), std::string::npos);
  EXPECT_NE(message("abc", DistributionUnit::kCount).find("not a number"), std::string::npos);
}

TEST(SimDistribution, FormatRoundTrips) {
  for (const char* text : {"300ms", "uniform(200ms, 400ms)", "normal(1.5s, 50ms)", "lognormal(300ms, 100ms)"}) {
    Distribution d = parse_distribution(text, DistributionUnit::kDuration);
    EXPECT_EQ(format_distribution(d, DistributionUnit::kDuration), text);
  }
  EXPECT_EQ(format_distribution(parse_distribution("uniform(50,200)", DistributionUnit::kCount), DistributionUnit::kCount),
            "uniform(50, 200)");
}

}  // namespace
}  // namespace ragscale::sim
