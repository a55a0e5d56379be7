#include "sim/generation_slots.h"

#include <gtest/gtest.h>

#include <vector>

namespace ragscale::sim {
namespace {

struct RecordingWaiter : SlotWaiter {
  std::vector<int>* log;
  int id;
  RecordingWaiter(std::vector<int>* l, int i) : log(l), id(i) {}
  void on_slot_granted() override { log->push_back(id); }
};

TEST(SimGenerationSlots, GrantsUpToCapacityThenQueuesInOrder) {
  std::vector<int> granted;
  GenerationSlots slots(2, 0);
  RecordingWaiter a(&granted, 1), b(&granted, 2), c(&granted, 3), d(&granted, 4);
  EXPECT_EQ(slots.acquire(a), GenerationSlots::Admission::kGranted);
  EXPECT_EQ(slots.acquire(b), GenerationSlots::Admission::kGranted);
  EXPECT_EQ(slots.acquire(c), GenerationSlots::Admission::kQueued);
  EXPECT_EQ(slots.acquire(d), GenerationSlots::Admission::kQueued);
  EXPECT_EQ(slots.in_use(), 2u);
  EXPECT_EQ(slots.queued(), 2u);
  EXPECT_TRUE(granted.empty());
  slots.release();
  EXPECT_EQ(granted, std::vector<int>{3});
  EXPECT_EQ(slots.in_use(), 2u);
  slots.release();
  slots.release();
  slots.release();
  EXPECT_EQ(granted, (std::vector<int>{3, 4}));
  EXPECT_EQ(slots.in_use(), 0u);
}

TEST(SimGenerationSlots, RefusesWhenTheQueueIsFull) {
  std::vector<int> granted;
  GenerationSlots slots(1, 1);
  RecordingWaiter a(&granted, 1), b(&granted, 2), c(&granted, 3);
  EXPECT_EQ(slots.acquire(a), GenerationSlots::Admission::kGranted);
  EXPECT_EQ(slots.acquire(b), GenerationSlots::Admission::kQueued);
  EXPECT_EQ(slots.acquire(c), GenerationSlots::Admission::kRefused);
}

TEST(SimGenerationSlots, CancelledWaitersAreSkipped) {
  std::vector<int> granted;
  GenerationSlots slots(1, 0);
  RecordingWaiter a(&granted, 1), b(&granted, 2), c(&granted, 3);
  slots.acquire(a);
  slots.acquire(b);
  slots.acquire(c);
  slots.cancel(b);
  slots.cancel(b);  // twice is harmless
  EXPECT_EQ(slots.queued(), 1u);
  slots.release();
  EXPECT_EQ(granted, std::vector<int>{3});
}

TEST(SimGenerationSlots, ZeroCapacityIsUnlimited) {
  std::vector<int> granted;
  GenerationSlots slots(0, 0);
  std::vector<RecordingWaiter> waiters;
  for (int i = 0; i < 100; ++i) waiters.emplace_back(&granted, i);
  for (auto& w : waiters) EXPECT_EQ(slots.acquire(w), GenerationSlots::Admission::kGranted);
  EXPECT_EQ(slots.in_use(), 100u);
}

}  // namespace
}  // namespace ragscale::sim
