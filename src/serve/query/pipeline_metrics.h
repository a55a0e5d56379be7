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
  static constexpr std::array<double, 10> kWaitBuckets = {0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};

  void coalesced() { add(coalesced_); }
  void degraded(std::string_view reason);
  void backend_call(std::string_view backend, std::string_view outcome);
  void retry(std::string_view backend);
  void stale_answer() { add(stale_); }
  void warmed() { add(warmed_); }
  void embed_batch(size_t size);
  // The answer's mode (full, reduced, extractive, cached) as the client saw it.
  void mode(std::string_view mode);
  // A question refused by admission control at `stage` ("workers").
  void shed(std::string_view stage);
  // The adaptive concurrency limit of `stage` ("workers", "llm") as last computed.
  void admission_limit(std::string_view stage, size_t limit);
  // How long a model call waited for a place (granted or not).
  void llm_queue_wait(double seconds);

  uint64_t coalesced_total() const;
  uint64_t degraded_total(std::string_view reason) const;
  uint64_t backend_calls(std::string_view backend, std::string_view outcome) const;
  uint64_t mode_total(std::string_view mode) const;
  uint64_t shed_total() const;

  std::string render(const std::vector<BreakerReading>& breakers) const;

 private:
  static void bump(std::map<std::string, uint64_t, std::less<>>& counters, std::string_view label) {
    auto found = counters.find(label);
    if (found == counters.end()) found = counters.emplace(std::string(label), 0).first;
    ++found->second;
  }
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
  std::map<std::string, uint64_t, std::less<>> modes_;
  std::map<std::string, uint64_t, std::less<>> shed_;
  std::map<std::string, size_t, std::less<>> limits_;
  std::array<uint64_t, kWaitBuckets.size()> wait_counts_{};
  uint64_t waits_ = 0;
  double wait_sum_ = 0;
};

}  // namespace ragscale::serve
