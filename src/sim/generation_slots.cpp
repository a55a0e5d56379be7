#include "sim/generation_slots.h"

namespace ragscale::sim {

GenerationSlots::Admission GenerationSlots::acquire(SlotWaiter& waiter) {
  if (capacity_ == 0 || in_use_ < capacity_) {
    ++in_use_;
    return Admission::kGranted;
  }
  if (max_queue_ != 0 && queue_.size() >= max_queue_) drop_unwanted();
  if (max_queue_ != 0 && queue_.size() >= max_queue_) return Admission::kRefused;
  waiter.position_ = queue_.insert(queue_.end(), &waiter);
  waiter.queued_ = true;
  return Admission::kQueued;
}

void GenerationSlots::release() {
  if (in_use_ == 0) return;
  while (!queue_.empty()) {
    // The slot passes straight to the next waiter that still wants it; in_use_ stays.
    SlotWaiter* next = queue_.front();
    queue_.pop_front();
    next->queued_ = false;
    if (!next->wanted()) {
      next->on_dropped();
      continue;
    }
    next->on_slot_granted();
    return;
  }
  --in_use_;
}

void GenerationSlots::drop_unwanted() {
  for (auto it = queue_.begin(); it != queue_.end();) {
    SlotWaiter* waiter = *it;
    if (waiter->wanted()) {
      ++it;
      continue;
    }
    it = queue_.erase(it);
    waiter->queued_ = false;
    waiter->on_dropped();
  }
}

void GenerationSlots::cancel(SlotWaiter& waiter) {
  if (!waiter.queued_) return;
  queue_.erase(waiter.position_);
  waiter.queued_ = false;
}

}  // namespace ragscale::sim
