#include "stats/latency_histogram.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ragscale {

LatencyHistogram::LatencyHistogram(const LatencyHistogram& other) { *this = other; }

LatencyHistogram& LatencyHistogram::operator=(const LatencyHistogram& other) {
  if (this == &other) return *this;
  for (uint32_t block = 0; block < kBlockCount; ++block) {
    if (other.blocks_[block] == nullptr) {
      if (blocks_[block] != nullptr) std::fill_n(blocks_[block].get(), kBlockSize, 0);
      continue;
    }
    uint64_t* counts = blocks_[block] ? blocks_[block].get() : allocate_block(block);
    std::copy_n(other.blocks_[block].get(), kBlockSize, counts);
  }
  total_count_ = other.total_count_;
  sum_us_ = other.sum_us_;
  min_us_ = other.min_us_;
  max_us_ = other.max_us_;
  return *this;
}

LatencyHistogram::LatencyHistogram(LatencyHistogram&& other) noexcept { *this = std::move(other); }

LatencyHistogram& LatencyHistogram::operator=(LatencyHistogram&& other) noexcept {
  if (this == &other) return *this;
  blocks_ = std::move(other.blocks_);
  total_count_ = std::exchange(other.total_count_, 0);
  sum_us_ = std::exchange(other.sum_us_, 0);
  min_us_ = std::exchange(other.min_us_, UINT64_MAX);
  max_us_ = std::exchange(other.max_us_, 0);
  return *this;
}

uint64_t* LatencyHistogram::allocate_block(uint32_t block) {
  blocks_[block] = std::make_unique<uint64_t[]>(kBlockSize);  // value-initialised: zeroed
  return blocks_[block].get();
}

uint64_t LatencyHistogram::percentile(double p) const {
  uint64_t result = 0;
  percentiles(std::span<const double>(&p, 1), std::span<uint64_t>(&result, 1));
  return result;
}

void LatencyHistogram::percentiles(std::span<const double> ps, std::span<uint64_t> out) const {
  if (out.size() < ps.size()) throw std::invalid_argument("LatencyHistogram::percentiles: output span too small");
  if (total_count_ == 0) {
    std::fill_n(out.begin(), ps.size(), 0);
    return;
  }
  size_t next = 0;
  uint64_t cumulative = 0;
  auto rank_of = [&](double p) {
    // Rank of the p-th percentile among total_count_ values (1-based, at least 1), the
    // HdrHistogram convention: the smallest value with at least p% of values at or below it.
    const double clamped = std::clamp(p, 0.0, 100.0);
    const double exact = clamped / 100.0 * double(total_count_);
    uint64_t rank = uint64_t(std::ceil(exact - 1e-9 * exact));
    return std::clamp<uint64_t>(rank, 1, total_count_);
  };
  auto clamp_to_range = [&](uint64_t value) { return std::clamp(value, min_us_, max_us_); };
  for (uint32_t block = 0; block < kBlockCount && next < ps.size(); ++block) {
    const uint64_t* counts = blocks_[block].get();
    if (counts == nullptr) continue;
    for (uint32_t slot = 0; slot < kBlockSize && next < ps.size(); ++slot) {
      if (counts[slot] == 0) continue;
      cumulative += counts[slot];
      while (next < ps.size() && cumulative >= rank_of(ps[next])) {
        out[next++] = clamp_to_range(highest_equivalent(lowest_value_at((block << kBlockShift) | slot)));
      }
    }
  }
  while (next < ps.size()) out[next++] = max_us_;
}

void LatencyHistogram::merge(const LatencyHistogram& other) {
  if (other.total_count_ == 0) return;
  for (uint32_t block = 0; block < kBlockCount; ++block) {
    const uint64_t* source = other.blocks_[block].get();
    if (source == nullptr) continue;
    uint64_t* target = blocks_[block] ? blocks_[block].get() : allocate_block(block);
    for (uint32_t slot = 0; slot < kBlockSize; ++slot) target[slot] += source[slot];
  }
  total_count_ += other.total_count_;
  sum_us_ += other.sum_us_;
  min_us_ = std::min(min_us_, other.min_us_);
  max_us_ = std::max(max_us_, other.max_us_);
}

void LatencyHistogram::reset() {
  if (total_count_ != 0) {
    for (auto& block : blocks_) {
      if (block) std::fill_n(block.get(), kBlockSize, 0);
    }
  }
  total_count_ = 0;
  sum_us_ = 0;
  min_us_ = UINT64_MAX;
  max_us_ = 0;
}

LatencyHistogram LatencyHistogram::empty_like() const {
  LatencyHistogram fresh;
  for (uint32_t block = 0; block < kBlockCount; ++block) {
    if (blocks_[block]) fresh.allocate_block(block);
  }
  return fresh;
}

LatencyHistogram LatencyHistogram::from_buckets(std::span<const Bucket> buckets, uint64_t min_us, uint64_t max_us,
                                                uint64_t sum_us) {
  LatencyHistogram histogram;
  for (const Bucket& bucket : buckets) histogram.record(bucket.value_us, bucket.count);
  if (histogram.total_count_ == 0) {
    if (min_us != 0 || max_us != 0 || sum_us != 0) {
      throw std::invalid_argument("histogram has no buckets but non-zero min/max/sum; expected all zero");
    }
    return histogram;
  }
  if (min_us > max_us) {
    throw std::invalid_argument("histogram min " + std::to_string(min_us) + " us exceeds max " +
                                std::to_string(max_us) + " us");
  }
  if (max_us > kHighestTrackableUs) {
    throw std::invalid_argument("histogram max " + std::to_string(max_us) + " us exceeds the trackable " +
                                std::to_string(kHighestTrackableUs) + " us");
  }
  // The bucketed min/max are bucket representatives; the exact ones must fall in the same buckets.
  if (index_of(min_us) != index_of(histogram.min_us_) || index_of(max_us) != index_of(histogram.max_us_)) {
    throw std::invalid_argument("histogram min " + std::to_string(min_us) + " us / max " + std::to_string(max_us) +
                                " us do not fall in the lowest / highest non-empty buckets");
  }
  const unsigned __int128 lowest_sum = (unsigned __int128)min_us * histogram.total_count_;
  const unsigned __int128 highest_sum = (unsigned __int128)max_us * histogram.total_count_;
  if (sum_us < lowest_sum || sum_us > highest_sum) {
    throw std::invalid_argument("histogram sum " + std::to_string(sum_us) + " us is impossible for " +
                                std::to_string(histogram.total_count_) + " values between min and max");
  }
  histogram.min_us_ = min_us;
  histogram.max_us_ = max_us;
  histogram.sum_us_ = sum_us;
  return histogram;
}

size_t LatencyHistogram::allocated_bytes() const {
  size_t bytes = 0;
  for (const auto& block : blocks_) {
    if (block) bytes += kBlockSize * sizeof(uint64_t);
  }
  return bytes;
}

bool LatencyHistogram::operator==(const LatencyHistogram& other) const {
  if (total_count_ != other.total_count_ || sum_us_ != other.sum_us_ || min() != other.min() ||
      max_us_ != other.max_us_) {
    return false;
  }
  for (uint32_t block = 0; block < kBlockCount; ++block) {
    const uint64_t* mine = blocks_[block].get();
    const uint64_t* theirs = other.blocks_[block].get();
    for (uint32_t slot = 0; slot < kBlockSize; ++slot) {
      if ((mine ? mine[slot] : 0) != (theirs ? theirs[slot] : 0)) return false;
    }
  }
  return true;
}

}  // namespace ragscale
