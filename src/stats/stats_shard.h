// StatsShard: the per-worker-thread statistics recorder on the request hot path.
//
// Contract:
// - One shard per worker thread; not thread-safe. The owning thread records and periodically
//   calls take_interval() and hands the result to RunStats::add() on the main thread.
// - endpoint_id() interns (method, name) and returns a dense id, stable for the shard's life;
//   call it once per endpoint and keep the id (it hashes, the record_* calls do not).
// - record_*() never allocate once the endpoint's latency blocks and the (endpoint, kind,
//   message) error entry exist: take_interval() pre-allocates the next interval's blocks, and
//   error entries stay interned across intervals. An unknown id is a caller bug (asserted).
// - Every recorded request counts in `requests` and in the latency histogram; failures also in
//   `failures` and in the error table keyed by (endpoint, kind, message).
#pragma once

#include <cassert>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stats/error_kind.h"
#include "stats/interval_stats.h"

namespace ragscale {

class StatsShard {
 public:
  // The message recorded for rate-limited responses that count as failures.
  static constexpr std::string_view kRateLimitedMessage = "rate limited";

  uint32_t endpoint_id(std::string_view method, std::string_view name);

  void record_success(uint32_t id, uint64_t latency_us, uint64_t bytes) {
    IntervalEndpoint& endpoint = endpoint_at(id);
    ++endpoint.requests;
    endpoint.bytes += bytes;
    endpoint.latency.record(latency_us);
  }

  // message: what a person reads in the error table, e.g. "HTTP 500", "connection refused".
  void record_failure(uint32_t id, uint64_t latency_us, uint64_t bytes, ErrorKind kind, std::string_view message) {
    IntervalEndpoint& endpoint = endpoint_at(id);
    ++endpoint.requests;
    ++endpoint.failures;
    endpoint.bytes += bytes;
    endpoint.latency.record(latency_us);
    count_error(id, kind, message);
  }

  void record_rate_limited(uint32_t id, uint64_t latency_us, uint64_t bytes, bool counts_as_failure) {
    IntervalEndpoint& endpoint = endpoint_at(id);
    ++endpoint.requests;
    ++endpoint.rate_limited;
    endpoint.bytes += bytes;
    endpoint.latency.record(latency_us);
    if (counts_as_failure) {
      ++endpoint.failures;
      count_error(id, ErrorKind::kRateLimited, kRateLimitedMessage);
    }
  }

  // Streamed answers (see LlmFigures): each inter-token gap as it arrives, then the whole
  // stream once it ended; ttft/tpot absent when the stream had no token (or one).
  void record_token_gap(uint32_t id, uint64_t gap_us) { endpoint_at(id).llm.itl.record(gap_us); }
  void record_stream(uint32_t id, std::optional<uint64_t> ttft_us, std::optional<uint64_t> tpot_us, uint64_t e2e_us,
                     uint64_t tokens) {
    LlmFigures& llm = endpoint_at(id).llm;
    ++llm.streams;
    llm.output_tokens += tokens;
    if (ttft_us) llm.ttft.record(*ttft_us);
    if (tpot_us) llm.tpot.record(*tpot_us);
    llm.e2e.record(e2e_us);
  }
  // One request judged against the run's SLOs.
  void record_slo(uint32_t id, bool good) {
    LlmFigures& llm = endpoint_at(id).llm;
    ++llm.slo_judged;
    if (good) ++llm.slo_good;
  }

  // One more attempt of a request whose previous attempt will be retried; the request itself
  // is recorded once, with its final outcome, by one of the calls above.
  void record_retry(uint32_t id) { ++endpoint_at(id).retries; }

  void record_iteration() { ++iterations_; }
  void record_dropped() { ++dropped_; }
  void record_late() { ++late_; }
  // A failure of the generator itself, not of a request (see IntervalException).
  void record_exception(std::string_view message);

  // Moves out everything recorded since the previous call; the shard starts empty again but
  // keeps its interned endpoints, error entries and histogram block layout.
  IntervalStats take_interval();

  size_t endpoint_count() const { return endpoints_.size(); }

 private:
  struct ErrorEntry {
    uint32_t endpoint_id;
    ErrorKind kind;
    std::string message;
    uint64_t count;
  };
  struct KeyHash {
    using is_transparent = void;
    size_t operator()(std::string_view key) const { return std::hash<std::string_view>{}(key); }
  };
  struct KeyEqual {
    using is_transparent = void;
    bool operator()(std::string_view a, std::string_view b) const { return a == b; }
  };
  // Builds a lookup key in a reused buffer, so lookups of known keys do not allocate.
  std::string_view scratch_key(uint32_t id, ErrorKind kind, std::string_view text);

  IntervalEndpoint& endpoint_at(uint32_t id) {
    assert(id < endpoints_.size() && "StatsShard: endpoint id not from endpoint_id()");
    return endpoints_[id];
  }
  void count_error(uint32_t id, ErrorKind kind, std::string_view message) {
    // Failures come in runs of the same error (a refused port, a 500 storm): skip the hash then.
    if (last_error_ != nullptr && last_error_->endpoint_id == id && last_error_->kind == kind &&
        last_error_->message == message) [[likely]] {
      ++last_error_->count;
      return;
    }
    count_error_slow(id, kind, message);
  }
  void count_error_slow(uint32_t id, ErrorKind kind, std::string_view message);

  std::vector<IntervalEndpoint> endpoints_;
  std::unordered_map<std::string, uint32_t, KeyHash, KeyEqual> endpoint_ids_;
  // Entries are separate heap nodes so last_error_ stays valid while the vector grows.
  std::vector<std::unique_ptr<ErrorEntry>> errors_;
  std::unordered_map<std::string, ErrorEntry*, KeyHash, KeyEqual> error_index_;
  ErrorEntry* last_error_ = nullptr;
  std::vector<IntervalException> exceptions_;
  std::unordered_map<std::string, size_t, KeyHash, KeyEqual> exception_index_;
  std::string scratch_;
  uint64_t iterations_ = 0;
  uint64_t dropped_ = 0;
  uint64_t late_ = 0;
};

}  // namespace ragscale
