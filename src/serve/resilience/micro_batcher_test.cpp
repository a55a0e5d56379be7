#include "serve/resilience/micro_batcher.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;

TEST(MicroBatcher, AFullBatchLeavesFromAdd) {
  MicroBatcher<int> batcher(3, 5ms);
  TimePoint now{1h};
  EXPECT_EQ(batcher.add(1, now), std::nullopt);
  EXPECT_EQ(batcher.add(2, now), std::nullopt);
  auto batch = batcher.add(3, now);
  ASSERT_TRUE(batch);
  EXPECT_EQ(*batch, (std::vector<int>{1, 2, 3}));
  EXPECT_EQ(batcher.waiting(), 0u);
  EXPECT_EQ(batcher.deadline(), std::nullopt);
}

TEST(MicroBatcher, TheWaitingItemsFallDueWhenTheOldestHasWaitedMaxDelay) {
  MicroBatcher<int> batcher(10, 5ms);
  TimePoint t0{1h};
  batcher.add(1, t0);
  batcher.add(2, t0 + 4ms);  // a later item does not move the deadline
  EXPECT_EQ(batcher.deadline(), t0 + 5ms);
  EXPECT_EQ(batcher.take_due(t0 + 4999us), std::nullopt);
  auto batch = batcher.take_due(t0 + 5ms);
  ASSERT_TRUE(batch);
  EXPECT_EQ(*batch, (std::vector<int>{1, 2}));
  EXPECT_EQ(batcher.take_due(t0 + 1s), std::nullopt);  // nothing waiting: no empty batch
  // The next batch's clock starts with its own first item.
  batcher.add(3, t0 + 20ms);
  EXPECT_EQ(batcher.deadline(), t0 + 25ms);
}

TEST(MicroBatcher, ZeroDelayIsDueAtOnceAndABatchOfOneLeavesFromAdd) {
  MicroBatcher<int> immediate(8, 0ms);
  TimePoint now{1h};
  EXPECT_EQ(immediate.add(7, now), std::nullopt);
  EXPECT_EQ(immediate.take_due(now), (std::vector<int>{7}));
  MicroBatcher<int> single(1, 1s);
  EXPECT_EQ(single.add(9, now), (std::vector<int>{9}));
  EXPECT_EQ(single.waiting(), 0u);
}

TEST(MicroBatcher, FlushTakesEverythingWaiting) {
  MicroBatcher<std::string> batcher(4, 1s);
  EXPECT_EQ(batcher.flush(), std::nullopt);
  batcher.add("a", TimePoint{1h});
  batcher.add("b", TimePoint{1h});
  EXPECT_EQ(batcher.flush(), (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(batcher.waiting(), 0u);
}

TEST(MicroBatcher, MoveOnlyItemsPassThrough) {
  MicroBatcher<std::unique_ptr<int>> batcher(2, 1s);
  TimePoint now{1h};
  batcher.add(std::make_unique<int>(1), now);
  auto batch = batcher.add(std::make_unique<int>(2), now);
  ASSERT_TRUE(batch);
  ASSERT_EQ(batch->size(), 2u);
  EXPECT_EQ(*(*batch)[1], 2);
}

TEST(MicroBatcher, StatsCountBatchesItemsReasonsAndSizeBuckets) {
  MicroBatcher<int> batcher(200, 1ms);
  TimePoint now{1h};
  auto send = [&](int n) {
    for (int i = 0; i < n; ++i) batcher.add(i, now);
    now += 1ms;
    return batcher.take_due(now);
  };
  for (int n : {1, 2, 3, 5, 64, 65, 128, 129}) ASSERT_TRUE(send(n));
  for (int i = 0; i < 200; ++i) batcher.add(i, now);  // one full batch of 200
  batcher.add(0, now);
  batcher.flush();
  const BatchStats& stats = batcher.stats();
  EXPECT_EQ(stats.batches(), 10u);
  EXPECT_EQ(stats.due_batches(), 8u);
  EXPECT_EQ(stats.full_batches(), 1u);
  EXPECT_EQ(stats.flushed_batches(), 1u);
  EXPECT_EQ(stats.items(), 1u + 2 + 3 + 5 + 64 + 65 + 128 + 129 + 200 + 1);
  // Buckets <=1, <=2, <=4, <=8, <=16, <=32, <=64, <=128, >128.
  std::array<uint64_t, BatchStats::kBuckets> counts{2, 1, 1, 1, 0, 0, 1, 2, 2};
  EXPECT_EQ(stats.size_counts(), counts);
  std::array<uint64_t, BatchStats::kBuckets> cumulative{2, 3, 4, 5, 5, 5, 6, 8, 10};
  EXPECT_EQ(stats.cumulative_size_counts(), cumulative);
}

TEST(MicroBatcher, RejectsAnEmptyBatchOrANegativeDelay) {
  EXPECT_THROW(MicroBatcher<int>(0, 1ms), std::invalid_argument);
  EXPECT_THROW(MicroBatcher<int>(1, -1ms), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::serve::resilience
