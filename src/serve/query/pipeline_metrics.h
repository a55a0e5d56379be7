// PipelineMetrics: what the query path and its guards did — coalesced requests,
// degraded answers by reason, backend calls by outcome, retries, breaker states and the
// sizes of query-time embedding batches — rendered in the Prometheus text format to
// follow the service's own metrics on /metrics.
//
// Contract: thread-safe; labels come from small fixed sets chosen by the code (backend
// "llm" or "embedder", outcomes and reasons named in the pipeline), never from client
// input, so the number of series stays bounded.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ragscale::serve {

// The state of one backend's circuit breaker at render time.
struct BreakerReading {
  std::string backend;     // "llm", "embedder"
  std::string state;       // "closed", "open", "half_open"
  int value = 0;           // 0 closed, 1 open, 2 half-open
  uint64_t opened_total = 0;
};

class PipelineMetrics {
 public:
  static constexpr std::array<int, 8> kBatchBuckets = {1, 2, 4, 8, 16, 32, 64, 128};

  void coalesced() { add(coalesced_); }
  void degraded(std::string_view reason);
  void backend_call(std::string_view backend, std::string_view outcome);
  void retry(std::string_view backend);
  void stale_answer() { add(stale_); }
  void warmed() { add(warmed_); }
  void embed_batch(size_t size);

  uint64_t coalesced_total() const;
  uint64_t degraded_total(std::string_view reason) const;
  uint64_t backend_calls(std::string_view backend, std::string_view outcome) const;

  std::string render(const std::vector<BreakerReading>& breakers) const;

 private:
  void add(uint64_t& counter) {
    std::lock_guard lock(mutex_);
    ++counter;
  }
  mutable std::mutex mutex_;
  uint64_t coalesced_ = 0;
  uint64_t stale_ = 0;
  uint64_t warmed_ = 0;
  std::map<std::string, uint64_t, std::less<>> degraded_;
  std::map<std::pair<std::string, std::string>, uint64_t> backend_calls_;
  std::map<std::string, uint64_t, std::less<>> retries_;
  std::array<uint64_t, kBatchBuckets.size()> batch_counts_{};
  uint64_t batches_ = 0;
  uint64_t batched_items_ = 0;
};

}  // namespace ragscale::serve
