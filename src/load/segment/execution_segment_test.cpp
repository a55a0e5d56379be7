#include "load/segment/execution_segment.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>
#include <vector>

namespace ragscale::load {
namespace {

std::vector<ExecutionSegment> equal_parts(int parts) {
  std::vector<ExecutionSegment> segments;
  for (int i = 0; i < parts; ++i) {
    segments.push_back(ExecutionSegment::parse(std::to_string(i) + "/" + std::to_string(parts)));
  }
  return segments;
}

TEST(ExecutionSegmentTest, ParsesEqualPartsAndIntervals) {
  auto third = ExecutionSegment::parse("1/3");
  EXPECT_EQ(third.begin(), (Fraction{1, 3}));
  EXPECT_EQ(third.end(), (Fraction{2, 3}));
  EXPECT_EQ(third.describe(), "1/3");
  auto quarter = ExecutionSegment::parse("0:1/4");
  EXPECT_EQ(quarter.describe(), "0/4");
  EXPECT_EQ(ExecutionSegment::parse("25%:75%").describe(), "1/4:3/4");
  EXPECT_EQ(ExecutionSegment::parse("0.5:1").describe(), "1/2");
  EXPECT_EQ(ExecutionSegment::parse("0:1").describe(), "whole");
  EXPECT_TRUE(ExecutionSegment::parse("0/1").is_whole());
  EXPECT_NEAR(ExecutionSegment::parse("1/8:1/2").fraction(), 0.375, 1e-12);
}

TEST(ExecutionSegmentTest, BadSegmentsSayHowToWriteThem) {
  for (const char* text : {"2/2", "1/0", "a/2", "1", "1/2:1/4", "0:3/2", "-1/2", "0:", "0.1234567891:1", "0/2000000"}) {
    try {
      ExecutionSegment::parse(text);
      ADD_FAILURE() << text << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("--segment '"), std::string::npos) << error.what();
      EXPECT_NE(std::string(error.what()).find("write I/N"), std::string::npos) << error.what();
    }
  }
}

TEST(ExecutionSegmentTest, EqualPartsDivideEveryCountExactlyAndEvenly) {
  for (int parts : {1, 2, 3, 4, 5, 7, 10, 13, 64, 100}) {
    auto segments = equal_parts(parts);
    for (uint64_t count : {0ULL, 1ULL, 2ULL, 3ULL, 7ULL, 10ULL, 99ULL, 1000ULL, 10007ULL, 123456789ULL}) {
      uint64_t total = 0;
      for (const auto& segment : segments) {
        uint64_t share = segment.share(count);
        total += share;
        // Even: strictly round robin, so within one of an equal share.
        double expected = static_cast<double>(count) / parts;
        EXPECT_LT(std::abs(static_cast<double>(share) - expected), 1.0) << parts << " parts of " << count;
      }
      EXPECT_EQ(total, count) << parts << " parts of " << count;
    }
  }
}

TEST(ExecutionSegmentTest, HalvesAlternateAndQuartersGoRoundRobin) {
  auto halves = equal_parts(2);
  auto quarters = equal_parts(4);
  for (uint64_t k = 0; k < 64; ++k) {
    EXPECT_TRUE(halves[k % 2].owns(k)) << k;
    EXPECT_EQ(quarters[0].owns(k) + quarters[1].owns(k) + quarters[2].owns(k) + quarters[3].owns(k), 1);
  }
  // Quarter q owns one number in every four.
  for (const auto& quarter : quarters) EXPECT_EQ(quarter.share(4000), 1000u);
}

TEST(ExecutionSegmentTest, UnequalFractionsPartitionTooAndOwnershipMatchesShares) {
  const char* sequence = "0,1/3,1/2,7/10,1";
  std::vector<ExecutionSegment> mixed = {
      ExecutionSegment::parse("0:1/3", sequence), ExecutionSegment::parse("1/3:1/2", sequence),
      ExecutionSegment::parse("1/2:7/10", sequence), ExecutionSegment::parse("0.7:1", sequence)};
  const double fractions[] = {1.0 / 3, 1.0 / 6, 0.2, 0.3};
  std::vector<uint64_t> owned(mixed.size(), 0);
  for (uint64_t k = 0; k < 20000; ++k) {
    int owners = 0;
    for (size_t i = 0; i < mixed.size(); ++i) {
      EXPECT_EQ(mixed[i].period(), 30u);
      if (mixed[i].owns(k)) {
        ++owners;
        // The j-th own number maps back to k.
        EXPECT_EQ(mixed[i].nth_owned(owned[i]), k);
        ++owned[i];
      }
      EXPECT_EQ(mixed[i].share(k + 1), owned[i]) << k;
      // Exact every period, and spread within it.
      const double expected = fractions[i] * static_cast<double>(k + 1);
      EXPECT_LT(std::abs(static_cast<double>(owned[i]) - expected), 3.0) << i << " " << k;
      if ((k + 1) % 30 == 0) {
        EXPECT_NEAR(static_cast<double>(owned[i]), expected, 1e-9) << i << " " << k;
      }
    }
    EXPECT_EQ(owners, 1) << k;
  }
}

TEST(ExecutionSegmentTest, ASegmentAndTheRestShareTheirDenominator) {
  auto third = ExecutionSegment::parse("0:1/3");
  auto rest = ExecutionSegment::parse("1/3:1");
  EXPECT_EQ(third.period(), 3u);
  EXPECT_EQ(rest.period(), 3u);
  EXPECT_EQ(third.share(12), 4u);
  EXPECT_EQ(rest.share(12), 8u);
  for (uint64_t k = 0; k < 300; ++k) EXPECT_NE(third.owns(k), rest.owns(k)) << k;
  // I/N and its A:B spelling are the same segment.
  EXPECT_EQ(ExecutionSegment::parse("1/4:1/2").describe(), "1/4");
  for (uint64_t k = 0; k < 100; ++k) {
    EXPECT_EQ(ExecutionSegment::parse("1/4:1/2").owns(k), ExecutionSegment::parse("1/4").owns(k));
  }
  // With a finer sequence, a half is two quarters.
  auto half = ExecutionSegment::parse("0:1/2", "0,1/4,1/2,1");
  auto first = ExecutionSegment::parse("0/4");
  auto second = ExecutionSegment::parse("1/4");
  for (uint64_t k = 0; k < 100; ++k) EXPECT_EQ(half.owns(k), first.owns(k) || second.owns(k)) << k;
  EXPECT_EQ(half.share(400), 200u);
  EXPECT_EQ(half.describe(), "0/2");
}

TEST(ExecutionSegmentTest, BadSequencesAreRefused) {
  for (const char* sequence : {"0,1/2", "1/4,1/2,1", "0,1/2,1/4,1", "0,1/3,1", "0,x,1", "0,1/1000003,1"}) {
    EXPECT_THROW(ExecutionSegment::parse("0:1/2", sequence), std::invalid_argument) << sequence;
  }
}

TEST(ExecutionSegmentTest, NextOwnedWalksTheSegmentsNumbers) {
  auto third = ExecutionSegment::parse("2/7:5/7");
  uint64_t k = third.nth_owned(0);
  for (uint64_t j = 1; j < 500; ++j) {
    k = third.next_owned_after(k);
    EXPECT_EQ(k, third.nth_owned(j));
  }
}

TEST(ExecutionSegmentTest, OverlapsAreFound) {
  EXPECT_TRUE(ExecutionSegment::parse("0/2").overlaps(ExecutionSegment::parse("0:1/4")));
  EXPECT_FALSE(ExecutionSegment::parse("0/2").overlaps(ExecutionSegment::parse("1/2")));
  EXPECT_TRUE(ExecutionSegment().overlaps(ExecutionSegment::parse("3/4")));
}

}  // namespace
}  // namespace ragscale::load
