#include "stats/latency_histogram.h"

#include <gtest/gtest.h>

#include <random>
#include <stdexcept>
#include <vector>

namespace ragscale {
namespace {

TEST(LatencyHistogramTest, EmptyHistogramReportsZeros) {
  LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.min(), 0u);
  EXPECT_EQ(histogram.max(), 0u);
  EXPECT_EQ(histogram.mean(), 0.0);
  EXPECT_EQ(histogram.percentile(50), 0u);
  EXPECT_EQ(histogram.allocated_bytes(), 0u);
}

TEST(LatencyHistogramTest, SmallValuesAreExact) {
  for (uint64_t value = 0; value < 2048; ++value) {
    EXPECT_EQ(LatencyHistogram::highest_equivalent(value), value);
    EXPECT_EQ(LatencyHistogram::lowest_equivalent(value), value);
  }
  LatencyHistogram histogram;
  for (uint64_t value = 1; value <= 100; ++value) histogram.record(value);
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.min(), 1u);
  EXPECT_EQ(histogram.max(), 100u);
  EXPECT_DOUBLE_EQ(histogram.mean(), 50.5);
  EXPECT_EQ(histogram.percentile(50), 50u);
  EXPECT_EQ(histogram.percentile(99), 99u);
  EXPECT_EQ(histogram.percentile(99.9), 100u);
  EXPECT_EQ(histogram.percentile(0), 1u);
}

TEST(LatencyHistogramTest, RelativeErrorBelowOneTenthPercentAcrossRange) {
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> exponent(0.0, 9.556);  // 10^9.556 ~ 3.6e9
  for (int i = 0; i < 200000; ++i) {
    const uint64_t value = uint64_t(std::pow(10.0, exponent(random)));
    const uint64_t high = LatencyHistogram::highest_equivalent(value);
    const uint64_t low = LatencyHistogram::lowest_equivalent(value);
    ASSERT_LE(low, value);
    ASSERT_GE(high, value);
    ASSERT_LT(double(high - value), 0.001 * double(value)) << value;
    ASSERT_LT(double(value - low), 0.001 * double(value)) << value;
  }
}

TEST(LatencyHistogramTest, PercentileWithinPrecisionOfExactRank) {
  std::mt19937_64 random(7);
  std::lognormal_distribution<double> latency(8.0, 1.5);
  std::vector<uint64_t> values;
  LatencyHistogram histogram;
  for (int i = 0; i < 100000; ++i) {
    const uint64_t value = uint64_t(latency(random)) + 1;
    values.push_back(value);
    histogram.record(value);
  }
  std::sort(values.begin(), values.end());
  for (double p : {50.0, 66.0, 90.0, 99.0, 99.9, 99.99}) {
    const uint64_t exact = values[size_t(std::ceil(p / 100.0 * double(values.size()) - 1e-6)) - 1];
    const uint64_t reported = histogram.percentile(p);
    EXPECT_GE(reported, exact) << p;
    EXPECT_LE(double(reported - exact), 0.001 * double(exact)) << p;
  }
  EXPECT_EQ(histogram.percentile(100), values.back());
  EXPECT_EQ(histogram.max(), values.back());
  EXPECT_EQ(histogram.min(), values.front());
}

TEST(LatencyHistogramTest, PercentileNeverExceedsMaxNorFallsBelowMin) {
  LatencyHistogram histogram;
  histogram.record(1'000'001);  // bucket width 1024: highest equivalent is well above
  EXPECT_EQ(histogram.percentile(100), 1'000'001u);
  EXPECT_EQ(histogram.percentile(50), 1'000'001u);
  EXPECT_EQ(histogram.percentile(0), 1'000'001u);
  histogram.record(1'000'500, 3);
  EXPECT_EQ(histogram.percentile(100), 1'000'500u);
  // The min's bucket (width 512 here) reports its highest equivalent value, not the next bucket.
  EXPECT_EQ(histogram.percentile(1), LatencyHistogram::highest_equivalent(1'000'001));
  EXPECT_LT(histogram.percentile(1), 1'000'500u);
}

TEST(LatencyHistogramTest, LargeValuesClampToOneHourAndAreCounted) {
  LatencyHistogram histogram;
  histogram.record(10);
  histogram.record(LatencyHistogram::kHighestTrackableUs * 5, 2);
  EXPECT_EQ(histogram.count(), 3u);
  EXPECT_EQ(histogram.max(), LatencyHistogram::kHighestTrackableUs);
  EXPECT_EQ(histogram.percentile(100), LatencyHistogram::kHighestTrackableUs);
  EXPECT_EQ(histogram.sum(), 10 + 2 * LatencyHistogram::kHighestTrackableUs);
  EXPECT_EQ(histogram.percentile(34), LatencyHistogram::kHighestTrackableUs);
  EXPECT_EQ(histogram.percentile(33), 10u);
}

TEST(LatencyHistogramTest, RecordWithCountEqualsRepeatedRecord) {
  LatencyHistogram a, b;
  a.record(5000, 3);
  for (int i = 0; i < 3; ++i) b.record(5000);
  EXPECT_EQ(a, b);
  a.record(7, 0);  // a zero count changes nothing
  EXPECT_EQ(a, b);
}

TEST(LatencyHistogramTest, MergeEqualsRecordingBoth) {
  std::mt19937_64 random(3);
  std::uniform_int_distribution<uint64_t> value(1, 50'000'000);
  LatencyHistogram a, b, both;
  for (int i = 0; i < 5000; ++i) {
    const uint64_t v = value(random);
    (i % 3 == 0 ? a : b).record(v);
    both.record(v);
  }
  LatencyHistogram merged = a;
  merged.merge(b);
  EXPECT_EQ(merged, both);
  EXPECT_EQ(merged.percentile(99), both.percentile(99));
  merged.merge(LatencyHistogram());
  EXPECT_EQ(merged, both);
}

TEST(LatencyHistogramTest, NarrowRangeAllocatesOnlyFewBlocks) {
  LatencyHistogram histogram;
  for (uint64_t v = 100; v < 100'000; v += 7) histogram.record(v);
  EXPECT_LE(histogram.allocated_bytes(), 8u * 8192u);
  LatencyHistogram wide;
  wide.record(1);
  wide.record(LatencyHistogram::kHighestTrackableUs);
  EXPECT_EQ(wide.allocated_bytes(), 2u * 8192u);
}

TEST(LatencyHistogramTest, ResetKeepsBlocksAndEmptyLikeCopiesLayout) {
  LatencyHistogram histogram;
  histogram.record(3);
  histogram.record(3'000'000);
  const size_t bytes = histogram.allocated_bytes();
  histogram.reset();
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.percentile(50), 0u);
  EXPECT_EQ(histogram.allocated_bytes(), bytes);
  EXPECT_EQ(histogram, LatencyHistogram());
  LatencyHistogram twin = histogram.empty_like();
  EXPECT_EQ(twin.allocated_bytes(), bytes);
  EXPECT_TRUE(twin.empty());
}

TEST(LatencyHistogramTest, MovedFromHistogramIsEmpty) {
  LatencyHistogram source;
  source.record(42);
  LatencyHistogram target = std::move(source);
  EXPECT_EQ(target.count(), 1u);
  EXPECT_EQ(source.count(), 0u);  // NOLINT(bugprone-use-after-move): the contract says empty
  source.record(9);
  EXPECT_EQ(source.max(), 9u);
}

TEST(LatencyHistogramTest, RebuildFromBucketsRoundTrips) {
  LatencyHistogram original;
  for (uint64_t v : {1u, 2u, 2u, 999u, 4097u, 123457u, 98'765'432u}) original.record(v);
  std::vector<LatencyHistogram::Bucket> buckets;
  original.for_each_nonzero([&](uint64_t value, uint64_t count) { buckets.push_back({value, count}); });
  ASSERT_EQ(buckets.size(), 6u);
  EXPECT_EQ(buckets[1], (LatencyHistogram::Bucket{2, 2}));
  const LatencyHistogram rebuilt =
      LatencyHistogram::from_buckets(buckets, original.min(), original.max(), original.sum());
  EXPECT_EQ(rebuilt, original);
  EXPECT_EQ(rebuilt.percentile(100), 98'765'432u);
}

TEST(LatencyHistogramTest, RebuildRejectsContradictoryParts) {
  const std::vector<LatencyHistogram::Bucket> buckets = {{10, 1}, {20, 1}};
  EXPECT_THROW(LatencyHistogram::from_buckets(buckets, 20, 10, 30), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram::from_buckets(buckets, 5, 20, 30), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram::from_buckets(buckets, 10, 20, 100), std::invalid_argument);
  EXPECT_THROW(LatencyHistogram::from_buckets({}, 1, 1, 1), std::invalid_argument);
  EXPECT_NO_THROW(LatencyHistogram::from_buckets(buckets, 10, 20, 30));
}

}  // namespace
}  // namespace ragscale
