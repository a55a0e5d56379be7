#include "serve/resilience/micro_batcher.h"

#include <algorithm>
#include <stdexcept>

namespace ragscale::serve::resilience {

void BatchStats::record(size_t size, BatchReason reason) {
  switch (reason) {
    case BatchReason::kFull: ++full_; break;
    case BatchReason::kDue: ++due_; break;
    case BatchReason::kFlushed: ++flushed_; break;
  }
  items_ += size;
  const auto bucket = std::lower_bound(kSizeBounds.begin(), kSizeBounds.end(), size) - kSizeBounds.begin();
  ++size_counts_[static_cast<size_t>(bucket)];
}

std::array<uint64_t, BatchStats::kBuckets> BatchStats::cumulative_size_counts() const {
  std::array<uint64_t, kBuckets> cumulative{};
  uint64_t running = 0;
  for (size_t i = 0; i < kBuckets; ++i) cumulative[i] = running += size_counts_[i];
  return cumulative;
}

void validate_micro_batcher(size_t max_batch, Clock::duration max_delay) {
  if (max_batch == 0) throw std::invalid_argument("micro batcher: max_batch must be at least 1");
  if (max_delay < Clock::duration::zero()) throw std::invalid_argument("micro batcher: max_delay must not be negative");
}

}  // namespace ragscale::serve::resilience
