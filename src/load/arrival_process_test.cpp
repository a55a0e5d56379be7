#include "load/arrival_process.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace ragscale::load {
namespace {

struct GapStats {
  double mean = 0, cv = 0;
};

GapStats gaps_of(const ArrivalSpec& spec, size_t count, uint64_t seed) {
  ArrivalSequence sequence(spec, seed);
  std::vector<double> values(count + 1);
  for (double& value : values) value = sequence.next();
  double sum = 0, squares = 0;
  for (size_t i = 1; i < values.size(); ++i) {
    const double gap = values[i] - values[i - 1];
    EXPECT_GE(gap, 0.0);
    sum += gap;
    squares += gap * gap;
  }
  GapStats stats;
  stats.mean = sum / double(count);
  stats.cv = std::sqrt(squares / double(count) - stats.mean * stats.mean) / stats.mean;
  return stats;
}

TEST(ArrivalProcess, ConstantArrivalsAreEvenlySpaced) {
  ArrivalSequence sequence({ArrivalKind::kConstant, 1.0}, 1);
  for (int k = 0; k < 5; ++k) EXPECT_EQ(sequence.next(), double(k));
}

TEST(ArrivalProcess, PoissonGapsHaveMeanOneAndCvOne) {
  ArrivalSequence sequence({ArrivalKind::kPoisson, 1.0}, 7);
  EXPECT_EQ(sequence.next(), 0.0);  // the first arrival comes at the start
  GapStats stats = gaps_of({ArrivalKind::kPoisson, 5.0}, 200'000, 7);  // burstiness ignored for poisson
  EXPECT_NEAR(stats.mean, 1.0, 0.01);
  EXPECT_NEAR(stats.cv, 1.0, 0.02);
}

TEST(ArrivalProcess, GammaCvIsOneOverSqrtBurstiness) {
  for (double burstiness : {0.25, 0.5, 2.0, 4.0}) {
    GapStats stats = gaps_of({ArrivalKind::kGamma, burstiness}, 200'000, 11);
    EXPECT_NEAR(stats.mean, 1.0, 0.015) << burstiness;
    EXPECT_NEAR(stats.cv, 1.0 / std::sqrt(burstiness), 0.03) << burstiness;
  }
}

TEST(ArrivalProcess, SameSeedSameSequence) {
  ArrivalSequence a({ArrivalKind::kGamma, 0.5}, 42), b({ArrivalKind::kGamma, 0.5}, 42);
  for (int i = 0; i < 1000; ++i) ASSERT_EQ(a.next(), b.next());
}

TEST(ArrivalProcess, ParsesKindsAndDescribes) {
  EXPECT_EQ(parse_arrival_kind("poisson"), ArrivalKind::kPoisson);
  EXPECT_EQ(parse_arrival_kind("gamma"), ArrivalKind::kGamma);
  EXPECT_THROW(parse_arrival_kind("bursty"), std::invalid_argument);
  EXPECT_EQ((ArrivalSpec{ArrivalKind::kGamma, 0.5}).describe(), "gamma(burstiness 0.5)");
}

}  // namespace
}  // namespace ragscale::load
