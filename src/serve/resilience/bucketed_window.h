// BucketedWindow: counts over a sliding time window, aggregated in fixed-width buckets.
//
// Contract:
// - The window is `buckets` buckets of `bucket_width` each; bucket k holds what was
//   added while floor(now / bucket_width) == k. total(now) sums the bucket `now` falls
//   in and the buckets - 1 before it, so it covers between (buckets - 1) and buckets
//   bucket widths of history: older counts leave the window a whole bucket at a time.
// - Counts is a small aggregate with += and -= (field-wise) and a value-initialized
//   zero; adding and expiring cost O(1) amortized, total() is O(1) (kept running).
// - Time that goes backwards (an older `now` than one already seen) counts into the
//   newest bucket; nothing is lost or counted twice.
// Not thread-safe: the owning policy serializes access.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <vector>

#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

template <class Counts>
class BucketedWindow {
 public:
  BucketedWindow(Clock::duration bucket_width, size_t buckets) : width_(bucket_width), buckets_(buckets) {
    if (bucket_width <= Clock::duration::zero() || buckets == 0) {
      throw std::invalid_argument("BucketedWindow needs a positive bucket width and at least one bucket");
    }
  }

  void add(const Counts& delta, TimePoint now) {
    advance(now);
    buckets_[slot(head_)] += delta;
    total_ += delta;
  }

  const Counts& total(TimePoint now) {
    advance(now);
    return total_;
  }

  void clear() {
    for (auto& bucket : buckets_) bucket = Counts{};
    total_ = Counts{};
    started_ = false;
  }

 private:
  // floor(now / width), also for time points before the clock's epoch.
  int64_t bucket_of(TimePoint now) const {
    const int64_t ticks = now.time_since_epoch().count();
    const int64_t width = width_.count();
    return ticks / width - (ticks % width < 0 ? 1 : 0);
  }

  size_t slot(int64_t bucket) const {
    const auto n = static_cast<int64_t>(buckets_.size());
    return static_cast<size_t>(((bucket % n) + n) % n);
  }

  // Moves the head to the bucket of `now`, expiring the buckets it passes over.
  void advance(TimePoint now) {
    const int64_t bucket = bucket_of(now);
    if (!started_) {
      head_ = bucket;
      started_ = true;
      return;
    }
    if (bucket <= head_) return;
    if (bucket - head_ >= static_cast<int64_t>(buckets_.size())) {
      for (auto& b : buckets_) b = Counts{};
      total_ = Counts{};
    } else {
      for (int64_t b = head_ + 1; b <= bucket; ++b) {
        total_ -= buckets_[slot(b)];
        buckets_[slot(b)] = Counts{};
      }
    }
    head_ = bucket;
  }

  Clock::duration width_;
  std::vector<Counts> buckets_;
  Counts total_{};
  int64_t head_ = 0;
  bool started_ = false;
};

}  // namespace ragscale::serve::resilience
