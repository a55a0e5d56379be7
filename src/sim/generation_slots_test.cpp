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

struct LeavingWaiter : RecordingWaiter {
  using RecordingWaiter::RecordingWaiter;
  bool gone = false;
  bool dropped = false;
  bool wanted() const override { return !gone; }
  void on_dropped() override { dropped = true; }
};

// Requests whose clients left while queued used to take their slot when their turn came
// (and generate for nobody) and to fill the queue so that live requests were refused.
TEST(SimGenerationSlots, WaitersWhoseClientLeftAreDroppedNotGranted) {
  std::vector<int> granted;
  GenerationSlots slots(1, 2);
  LeavingWaiter a(&granted, 1), b(&granted, 2), c(&granted, 3), d(&granted, 4);
  slots.acquire(a);
  slots.acquire(b);
  slots.acquire(c);
  b.gone = true;
  slots.release();  // b's turn: it is dropped and c gets the slot
  EXPECT_TRUE(b.dropped);
  EXPECT_EQ(granted, std::vector<int>{3});
  EXPECT_EQ(slots.in_use(), 1u);
  EXPECT_EQ(slots.queued(), 0u);

  LeavingWaiter e(&granted, 5), f(&granted, 6);
  slots.acquire(d);
  slots.acquire(e);
  d.gone = true;
  e.gone = true;
  EXPECT_EQ(slots.acquire(f), GenerationSlots::Admission::kQueued);  // room made by dropping d and e
  EXPECT_TRUE(d.dropped);
  EXPECT_TRUE(e.dropped);
  EXPECT_EQ(slots.queued(), 1u);
  slots.release();
  slots.release();
  EXPECT_EQ(granted, (std::vector<int>{3, 6}));
  EXPECT_EQ(slots.in_use(), 0u);
}

}  // namespace
}  // namespace ragscale::sim
