// The simulator's own counters, rendered as Prometheus text for GET /metrics.
//
// Contract: counters only grow; gauges are passed in at render time by the server that
// owns the live state. A request's status is the one it was answered with, or 499 when
// the client left in the middle of a stream (connections reset by the reset fault are
// counted under faults_injected_total instead). Series (all prefixed ragscale_sim_):
//   requests_total{endpoint,status}, prompt_tokens_total, completion_tokens_total,
//   streamed_chunks_total, embedding_inputs_total, rate_limited_total{limit},
//   faults_injected_total{kind}, time_to_first_token_seconds (histogram),
//   queue_wait_seconds (histogram), and the gauges queue_depth, active_generations,
//   active_streams, generation_slots, hung_requests, open_connections; then the process's
//   own figures (metrics/process_metrics.h: CPU seconds, memory, descriptors, threads,
//   cores available), so a run can tell when the simulator itself was at its CPU limit.
// Not thread-safe: one per event loop.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <utility>

namespace ragscale::sim {

// A fixed-bucket Prometheus histogram of seconds.
class SecondsHistogram {
 public:
  static constexpr std::array<double, 14> kBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5,
                                                     1,     2.5,  5,     10,   30,  60,  120};
  void observe(double seconds);
  void render(std::string& out, std::string_view name, std::string_view help) const;
  uint64_t count() const { return count_; }

 private:
  std::array<uint64_t, kBounds.size()> buckets_{};
  uint64_t count_ = 0;
  double sum_ = 0;
};

struct SimGauges {
  size_t queue_depth = 0;
  size_t active_generations = 0;
  size_t active_streams = 0;
  size_t generation_slots = 0;  // 0: unlimited
  size_t hung_requests = 0;
  size_t open_connections = 0;
};

class SimMetrics {
 public:
  void count_request(std::string_view endpoint, int status) { ++requests_[{std::string(endpoint), status}]; }
  void add_prompt_tokens(uint64_t tokens) { prompt_tokens_ += tokens; }
  void add_completion_tokens(uint64_t tokens) { completion_tokens_ += tokens; }
  void add_streamed_chunks(uint64_t chunks) { streamed_chunks_ += chunks; }
  void add_embedding_inputs(uint64_t inputs) { embedding_inputs_ += inputs; }
  void count_rate_limited(std::string_view limit) { ++rate_limited_[std::string(limit)]; }
  void count_fault(std::string_view kind) { ++faults_[std::string(kind)]; }
  void observe_time_to_first_token(double seconds) { time_to_first_token_.observe(seconds); }
  void observe_queue_wait(double seconds) { queue_wait_.observe(seconds); }

  uint64_t completion_tokens() const { return completion_tokens_; }
  uint64_t requests() const;

  std::string render(const SimGauges& gauges) const;

 private:
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, uint64_t> rate_limited_;
  std::map<std::string, uint64_t> faults_;
  uint64_t prompt_tokens_ = 0;
  uint64_t completion_tokens_ = 0;
  uint64_t streamed_chunks_ = 0;
  uint64_t embedding_inputs_ = 0;
  SecondsHistogram time_to_first_token_;
  SecondsHistogram queue_wait_;
};

}  // namespace ragscale::sim
