#include "sim/generation_slots.h"

namespace ragscale::sim {

GenerationSlots::Admission GenerationSlots::acquire(SlotWaiter& waiter) {
  if (capacity_ == 0 || in_use_ < capacity_) {
    ++in_use_;
    return Admission::kGranted;
  }
  if (max_queue_ != 0 && queue_.size() >= max_queue_) return Admission::kRefused;
  waiter.position_ = queue_.insert(queue_.end(), &waiter);
  waiter.queued_ = true;
  return Admission::kQueued;
}

void GenerationSlots::release() {
  if (in_use_ == 0) return;
  if (queue_.empty()) {
    --in_use_;
    return;
  }
  // The slot passes straight to the next waiter; in_use_ stays the same.
  SlotWaiter* next = queue_.front();
  queue_.pop_front();
  next->queued_ = false;
  next->on_slot_granted();
}

void GenerationSlots::cancel(SlotWaiter& waiter) {
  if (!waiter.queued_) return;
  queue_.erase(waiter.position_);
  waiter.queued_ = false;
}

}  // namespace ragscale::sim
