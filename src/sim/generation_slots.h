// The simulated server's generation capacity: a fixed number of slots (sequences the
// model decodes at once) with a first-come, first-served queue behind them, so under
// load requests wait for a slot and the wait shows up in their time to first token.
//
// Contract: acquire() grants a slot at once when one is free (the waiter is not called
// back), queues the waiter when none is (its on_slot_granted() runs later, from
// release()), or refuses when the queue is full. Every granted slot must be released
// exactly once; a queued waiter that goes away must cancel(). A waiter whose client left
// while it queued (wanted() false) is dropped instead of granted — on_dropped() tells it —
// and such waiters are also dropped to make room when the queue is full, so abandoned
// requests neither take slots nor keep live ones out. capacity 0 means unlimited
// slots; max_queue 0 means an unbounded queue. Not thread-safe: one per event loop.
#pragma once

#include <cstddef>
#include <list>

namespace ragscale::sim {

class SlotWaiter {
 public:
  virtual ~SlotWaiter() = default;
  virtual void on_slot_granted() = 0;
  virtual bool wanted() const { return true; }
  virtual void on_dropped() {}

 private:
  friend class GenerationSlots;
  std::list<SlotWaiter*>::iterator position_;
  bool queued_ = false;
};

class GenerationSlots {
 public:
  enum class Admission { kGranted, kQueued, kRefused };

  GenerationSlots(size_t capacity, size_t max_queue) : capacity_(capacity), max_queue_(max_queue) {}

  Admission acquire(SlotWaiter& waiter);
  void release();
  void cancel(SlotWaiter& waiter);

  size_t capacity() const { return capacity_; }
  size_t in_use() const { return in_use_; }
  size_t queued() const { return queue_.size(); }

 private:
  void drop_unwanted();

  size_t capacity_;
  size_t max_queue_;
  size_t in_use_ = 0;
  std::list<SlotWaiter*> queue_;
};

}  // namespace ragscale::sim
