// MicroBatcher: when to send a batch of queued items (e.g. query embeddings), trading a
// bounded wait for fewer, larger calls.
//
// Contract:
// - add(item, now) queues the item; when max_batch items are waiting it returns them all,
//   oldest first, as a full batch. take_due(now) returns everything waiting once the
//   oldest item has waited max_delay (now >= deadline()), else nothing. flush() returns
//   everything waiting regardless (shutdown). No call returns an empty batch.
// - deadline() is when the waiting items fall due (the oldest item's arrival plus
//   max_delay), nullopt when nothing waits: the driver arms its timer for it and calls
//   take_due() when the timer fires. add() never returns a batch because of age, so a
//   driver that is late calls take_due() after add().
// - max_delay 0 makes every item due at once (take_due returns it at the same `now`);
//   max_batch 1 returns every item from add().
// - stats() counts batches by why they left (full, due, flushed), items, and batch sizes
//   in the buckets of BatchStats::kSizeBounds, ready for a Prometheus histogram.
// Not thread-safe: the one driver (an event loop or a worker) serializes the calls.
#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

enum class BatchReason { kFull, kDue, kFlushed };

class BatchStats {
 public:
  // Upper bounds (inclusive) of the size buckets; a last bucket counts sizes above 128.
  static constexpr std::array<size_t, 8> kSizeBounds{1, 2, 4, 8, 16, 32, 64, 128};
  static constexpr size_t kBuckets = kSizeBounds.size() + 1;

  void record(size_t size, BatchReason reason);

  uint64_t batches() const { return full_ + due_ + flushed_; }
  uint64_t items() const { return items_; }  // the histogram's sum
  uint64_t full_batches() const { return full_; }
  uint64_t due_batches() const { return due_; }
  uint64_t flushed_batches() const { return flushed_; }
  // Batches whose size is in (kSizeBounds[i - 1], kSizeBounds[i]]; the last, above 128.
  const std::array<uint64_t, kBuckets>& size_counts() const { return size_counts_; }
  // Prometheus buckets: batches of size <= kSizeBounds[i]; the last (+Inf) is batches().
  std::array<uint64_t, kBuckets> cumulative_size_counts() const;

 private:
  uint64_t full_ = 0;
  uint64_t due_ = 0;
  uint64_t flushed_ = 0;
  uint64_t items_ = 0;
  std::array<uint64_t, kBuckets> size_counts_{};
};

// Throws std::invalid_argument unless max_batch >= 1 and max_delay >= 0.
void validate_micro_batcher(size_t max_batch, Clock::duration max_delay);

template <class Item>
class MicroBatcher {
 public:
  MicroBatcher(size_t max_batch, Clock::duration max_delay) : max_batch_(max_batch), max_delay_(max_delay) {
    validate_micro_batcher(max_batch, max_delay);
    waiting_.reserve(reserved());
  }

  std::optional<std::vector<Item>> add(Item item, TimePoint now) {
    if (waiting_.empty()) first_at_ = now;
    waiting_.push_back(std::move(item));
    if (waiting_.size() < max_batch_) return std::nullopt;
    return take(BatchReason::kFull);
  }

  std::optional<std::vector<Item>> take_due(TimePoint now) {
    if (waiting_.empty() || now < *deadline()) return std::nullopt;
    return take(BatchReason::kDue);
  }

  std::optional<std::vector<Item>> flush() {
    if (waiting_.empty()) return std::nullopt;
    return take(BatchReason::kFlushed);
  }

  std::optional<TimePoint> deadline() const {
    if (waiting_.empty()) return std::nullopt;
    return first_at_ + max_delay_;
  }

  size_t waiting() const { return waiting_.size(); }
  size_t max_batch() const { return max_batch_; }
  Clock::duration max_delay() const { return max_delay_; }
  const BatchStats& stats() const { return stats_; }

 private:
  size_t reserved() const { return std::min(max_batch_, size_t{1024}); }

  std::vector<Item> take(BatchReason reason) {
    stats_.record(waiting_.size(), reason);
    std::vector<Item> batch;
    batch.reserve(reserved());
    batch.swap(waiting_);  // waiting_ keeps a reserved buffer for the next batch
    return batch;
  }

  const size_t max_batch_;
  const Clock::duration max_delay_;
  std::vector<Item> waiting_;
  TimePoint first_at_{};
  BatchStats stats_;
};

}  // namespace ragscale::serve::resilience
