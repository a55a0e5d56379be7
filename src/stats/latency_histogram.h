// LatencyHistogram: an HDR-style log-linear histogram of microsecond latencies.
//
// Contract:
// - Tracks values from 0 to kHighestTrackableUs (one hour). Larger values are clamped to
//   kHighestTrackableUs and still counted; min, max, sum and percentiles see the clamped value.
// - 2048 sub-buckets per power of two, so every value below 2048 us is stored exactly and any
//   other value within 1/1024 (< 0.1%) of its true value.
// - count(), min(), max() and sum() are exact (of the clamped values).
// - percentile(p) returns the highest value equivalent to the bucket holding the p-th percentile,
//   clamped to [min, max]: percentile(100) == max(), percentile(0) == min().
// - record() is O(1). Counts live in 1024-slot blocks allocated the first time a value lands in
//   them, so a histogram that sees a narrow range costs tens of KB, not the full ~190 KB; once a
//   block exists recording into it never allocates.
// - Not thread-safe: one writer at a time.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <utility>

namespace ragscale {

class LatencyHistogram {
 public:
  static constexpr uint64_t kHighestTrackableUs = 3'600'000'000ULL;

  // One non-empty bucket as exported by for_each_nonzero(): any value recorded into the bucket
  // maps back to the same bucket, so (value_us, count) pairs rebuild an identical histogram.
  struct Bucket {
    uint64_t value_us;
    uint64_t count;
    bool operator==(const Bucket&) const = default;
  };

  LatencyHistogram() = default;
  LatencyHistogram(const LatencyHistogram& other);
  LatencyHistogram& operator=(const LatencyHistogram& other);
  // A moved-from histogram is empty and owns no blocks.
  LatencyHistogram(LatencyHistogram&& other) noexcept;
  LatencyHistogram& operator=(LatencyHistogram&& other) noexcept;

  void record(uint64_t value_us, uint64_t count = 1) {
    if (count == 0) return;
    if (value_us > kHighestTrackableUs) value_us = kHighestTrackableUs;
    const uint32_t index = index_of(value_us);
    uint64_t* block = blocks_[index >> kBlockShift].get();
    if (block == nullptr) [[unlikely]] block = allocate_block(index >> kBlockShift);
    block[index & kBlockMask] += count;
    total_count_ += count;
    sum_us_ += value_us * count;
    if (value_us < min_us_) min_us_ = value_us;
    if (value_us > max_us_) max_us_ = value_us;
  }

  uint64_t count() const { return total_count_; }
  bool empty() const { return total_count_ == 0; }
  // min()/max()/mean() are 0 for an empty histogram.
  uint64_t min() const { return total_count_ == 0 ? 0 : min_us_; }
  uint64_t max() const { return max_us_; }
  uint64_t sum() const { return sum_us_; }
  double mean() const { return total_count_ == 0 ? 0.0 : double(sum_us_) / double(total_count_); }

  // p in [0, 100] (values outside are clamped). 0 for an empty histogram.
  uint64_t percentile(double p) const;
  // Several percentiles in one pass over the buckets; `ps` must be ascending.
  void percentiles(std::span<const double> ps, std::span<uint64_t> out) const;

  void merge(const LatencyHistogram& other);
  // Zeroes the counts but keeps the allocated blocks, so refilling does not allocate.
  void reset();
  // A new empty histogram with the same blocks allocated (for double buffering on a hot path).
  LatencyHistogram empty_like() const;

  // Calls fn(value_us, count) for every non-empty bucket in ascending value order; value_us is
  // the bucket's highest equivalent value.
  template <typename Fn>
  void for_each_nonzero(Fn&& fn) const {
    for (uint32_t block = 0; block < kBlockCount; ++block) {
      const uint64_t* counts = blocks_[block].get();
      if (counts == nullptr) continue;
      for (uint32_t slot = 0; slot < kBlockSize; ++slot) {
        if (counts[slot] != 0) fn(highest_equivalent(lowest_value_at((block << kBlockShift) | slot)), counts[slot]);
      }
    }
  }

  // Rebuilds a histogram from for_each_nonzero() output plus the exact aggregates that bucketing
  // loses. Throws std::invalid_argument when the parts contradict each other (min above max,
  // min/max outside the buckets' range, or a sum impossible for the counts).
  static LatencyHistogram from_buckets(std::span<const Bucket> buckets, uint64_t min_us, uint64_t max_us,
                                       uint64_t sum_us);

  // Bytes held by the allocated blocks (for memory accounting and tests).
  size_t allocated_bytes() const;

  // Same counts in the same buckets and the same exact aggregates.
  bool operator==(const LatencyHistogram& other) const;

  // Bucket geometry, public for tests and documentation of the precision.
  static constexpr uint64_t lowest_equivalent(uint64_t value_us) {
    return lowest_value_at(index_of(value_us > kHighestTrackableUs ? kHighestTrackableUs : value_us));
  }
  static constexpr uint64_t highest_equivalent(uint64_t value_us) {
    const uint64_t clamped = value_us > kHighestTrackableUs ? kHighestTrackableUs : value_us;
    return lowest_value_at(index_of(clamped)) + bucket_width(clamped) - 1;
  }

 private:
  static constexpr uint32_t kSubBucketBits = 11;  // 2048 sub-buckets
  static constexpr uint32_t kBlockShift = kSubBucketBits - 1;
  static constexpr uint32_t kBlockSize = 1u << kBlockShift;  // 1024 slots
  static constexpr uint32_t kBlockMask = kBlockSize - 1;
  static constexpr uint64_t kSubBucketMask = (1u << kSubBucketBits) - 1;
  // Bucket b >= 1 covers [1024 * 2^b, 2048 * 2^b); 22 buckets reach 2048 * 2^21 > 3.6e9.
  static constexpr uint32_t kBucketCount = 22;
  static constexpr uint32_t kBlockCount = kBucketCount + 1;

  static constexpr uint32_t bucket_of(uint64_t value) {
    return uint32_t(64 - __builtin_clzll(value | kSubBucketMask)) - kSubBucketBits;
  }
  static constexpr uint32_t index_of(uint64_t value) {
    const uint32_t bucket = bucket_of(value);
    const uint32_t sub_bucket = uint32_t(value >> bucket);
    return ((bucket + 1) << kBlockShift) + sub_bucket - kBlockSize;
  }
  static constexpr uint64_t lowest_value_at(uint32_t index) {
    int32_t bucket = int32_t(index >> kBlockShift) - 1;
    uint64_t sub_bucket = (index & kBlockMask) + kBlockSize;
    if (bucket < 0) {
      sub_bucket -= kBlockSize;
      bucket = 0;
    }
    return sub_bucket << bucket;
  }
  static constexpr uint64_t bucket_width(uint64_t value) { return uint64_t(1) << bucket_of(value); }

  uint64_t* allocate_block(uint32_t block);

  std::array<std::unique_ptr<uint64_t[]>, kBlockCount> blocks_{};
  uint64_t total_count_ = 0;
  uint64_t sum_us_ = 0;
  uint64_t min_us_ = UINT64_MAX;
  uint64_t max_us_ = 0;
};

}  // namespace ragscale
