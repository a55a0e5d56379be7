// RunStats: the main thread's aggregation of a whole run, fed by StatsShard intervals.
//
// Contract:
// - add() merges one shard interval; endpoints are matched across shards by (method, name) and
//   also summed into the aggregate ("Aggregated", empty method). Totals are current after add().
// - close_second(t, users) ends the current second: its data enters the sliding window (the
//   last kWindowSeconds closed seconds, Locust's "current" figures) and one HistoryRow is
//   appended with per-second, window and cumulative figures for every endpoint and the aggregate.
// - Rates "over the run" divide by duration_seconds(): finish() - begin(), defaulting to the
//   first/last closed second when begin()/finish() were not called.
// - merge() combines another run (e.g. a second generator host or a JSON summary read back):
//   totals, histograms, errors and counters add up exactly; each of the other run's history rows
//   is combined with one of this run's rows of the same whole second, in order (counts, users and
//   rates add; window percentiles and the cumulative median take the larger value, an upper
//   bound, because per-second histograms are not kept), or kept as a row of its own.
// - Streamed-answer figures (LlmFigures) follow the same path: per endpoint and aggregate,
//   exact and mergeable; each HistoryRow holds the aggregate's LlmSecond for that second.
// - The restore_*() calls rebuild a RunStats from stored figures (the JSON reader uses them).
// - Single-threaded: owned and used by one thread.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stats/error_kind.h"
#include "stats/interval_stats.h"
#include "stats/latency_histogram.h"
#include "stats/llm_figures.h"
#include "stats/reported_percentiles.h"

namespace ragscale {

inline constexpr std::string_view kAggregateName = "Aggregated";

// Figures of one endpoint (or the aggregate) in one closed second.
struct SeriesPoint {
  // Completed during this second.
  uint64_t requests = 0;
  uint64_t failures = 0;
  // Over the sliding window ending with this second.
  double current_rps = 0;
  double current_fps = 0;
  uint64_t window_requests = 0;  // 0 means the window percentiles are meaningless
  std::array<uint64_t, kReportedPercentiles.size()> window_percentiles_us{};
  // Cumulative since the start, at the end of this second.
  uint64_t total_requests = 0;
  uint64_t total_failures = 0;
  uint64_t total_bytes = 0;
  uint64_t total_min_us = 0;
  uint64_t total_max_us = 0;
  uint64_t total_median_us = 0;
  double total_mean_us = 0;

  uint64_t window_percentile_us(double percent) const;  // percent must be in kReportedPercentiles
  bool operator==(const SeriesPoint&) const = default;
};

struct HistoryRow {
  double unix_time = 0;
  int user_count = 0;
  SeriesPoint aggregate;
  LlmSecond llm;  // the aggregate's streamed answers and SLO verdicts in this second
  // Indexed like RunStats::endpoints(); shorter when endpoints appeared after this second.
  std::vector<SeriesPoint> endpoints;
  bool operator==(const HistoryRow&) const = default;
};

struct ErrorRecord {
  std::string method;
  std::string name;
  ErrorKind kind = ErrorKind::kOther;
  std::string message;
  uint64_t occurrences = 0;
  bool operator==(const ErrorRecord&) const = default;
};

struct ExceptionRecord {
  std::string message;
  uint64_t count = 0;
  bool operator==(const ExceptionRecord&) const = default;
};

// Cumulative totals plus the sliding window of one endpoint or of the aggregate.
class EndpointStats {
 public:
  static constexpr int kWindowSeconds = 10;

  EndpointStats(std::string method, std::string name) : method_(std::move(method)), name_(std::move(name)) {}

  const std::string& method() const { return method_; }
  const std::string& name() const { return name_; }
  uint64_t requests() const { return requests_; }
  uint64_t failures() const { return failures_; }
  uint64_t rate_limited() const { return rate_limited_; }
  uint64_t bytes() const { return bytes_; }
  const LatencyHistogram& latency() const { return latency_; }
  const LlmFigures& llm() const { return llm_; }
  uint64_t retries() const { return retries_; }  // attempts repeated by retry policies
  double failure_ratio() const { return requests_ == 0 ? 0.0 : double(failures_) / double(requests_); }
  double mean_bytes() const { return requests_ == 0 ? 0.0 : double(bytes_) / double(requests_); }

  // The last kWindowSeconds closed seconds (fewer at the start of the run).
  const LatencyHistogram& window_latency() const { return window_latency_; }
  uint64_t window_requests() const { return window_requests_; }
  uint64_t window_failures() const { return window_failures_; }
  double current_rps() const;
  double current_fps() const;

 private:
  friend class RunStats;

  void add(uint64_t requests, uint64_t failures, uint64_t rate_limited, uint64_t bytes,
           const LatencyHistogram& latency);
  void add_llm(const LlmFigures& llm);
  void close_second();
  SeriesPoint snapshot(uint64_t second_requests, uint64_t second_failures) const;

  std::string method_;
  std::string name_;
  uint64_t requests_ = 0;
  uint64_t failures_ = 0;
  uint64_t rate_limited_ = 0;
  uint64_t bytes_ = 0;
  LatencyHistogram latency_;
  LlmFigures llm_;
  LlmFigures open_second_llm_;
  uint64_t retries_ = 0;

  LatencyHistogram open_second_latency_;
  uint64_t open_second_requests_ = 0;
  uint64_t open_second_failures_ = 0;
  std::array<LatencyHistogram, kWindowSeconds> ring_latency_;
  std::array<uint64_t, kWindowSeconds> ring_requests_{};
  std::array<uint64_t, kWindowSeconds> ring_failures_{};
  uint64_t seconds_closed_ = 0;
  LatencyHistogram window_latency_;
  uint64_t window_requests_ = 0;
  uint64_t window_failures_ = 0;
};

class RunStats {
 public:
  RunStats();

  void begin(double unix_time) { start_time_ = unix_time; }
  void finish(double unix_time) { end_time_ = unix_time; }
  double start_time() const;
  double end_time() const;
  double duration_seconds() const;

  void add(IntervalStats&& interval);
  void close_second(double unix_time, int user_count);

  const std::vector<EndpointStats>& endpoints() const { return endpoints_; }
  const EndpointStats& aggregate() const { return aggregate_; }
  // nullptr when no such endpoint was seen.
  const EndpointStats* find(std::string_view method, std::string_view name) const;

  double requests_per_second(const EndpointStats& endpoint) const;  // over the whole run
  double failures_per_second(const EndpointStats& endpoint) const;

  // Grouped by (method, name, kind, message), in order of first occurrence.
  const std::vector<ErrorRecord>& errors() const { return errors_; }
  const std::vector<ExceptionRecord>& exceptions() const { return exceptions_; }
  uint64_t iterations() const { return iterations_; }
  uint64_t dropped() const { return dropped_; }
  uint64_t late() const { return late_; }
  // https runs: TLS handshakes completed, and how many resumed an earlier session.
  uint64_t tls_handshakes() const { return tls_handshakes_; }
  uint64_t tls_resumed() const { return tls_resumed_; }
  int peak_user_count() const { return peak_user_count_; }
  int last_user_count() const { return history_.empty() ? 0 : history_.back().user_count; }
  const std::vector<HistoryRow>& history() const { return history_; }

  void merge(const RunStats& other);

  // Rebuilding from stored figures. restore_endpoint adds to an existing endpoint of the same
  // (method, name) and to the aggregate, and returns the endpoint's index.
  size_t restore_endpoint(std::string_view method, std::string_view name, uint64_t requests, uint64_t failures,
                          uint64_t rate_limited, uint64_t bytes, const LatencyHistogram& latency);
  // Adds streamed-answer figures to an endpoint restored before (and to the aggregate).
  void restore_llm(size_t endpoint_index, const LlmFigures& llm);
  // Adds retried attempts to an endpoint restored before (and to the aggregate).
  void restore_retries(size_t endpoint_index, uint64_t retries);
  void restore_error(const ErrorRecord& error);
  void restore_exception(const ExceptionRecord& exception);
  void restore_counters(uint64_t iterations, uint64_t dropped, uint64_t late);
  void restore_tls_counters(uint64_t handshakes, uint64_t resumed);
  void restore_peak_user_count(int users) { peak_user_count_ = std::max(peak_user_count_, users); }
  // Rows are kept in time order, each as it was (a run's last row may share its whole second
  // with the one before: the partial second of the stop). Endpoint indexes refer to this
  // RunStats' endpoints(). merge() is what combines rows of different runs.
  void restore_history_row(const HistoryRow& row);

 private:
  size_t endpoint_index(std::string_view method, std::string_view name);
  // merge(): one of the other run's rows into this run's rows; `taken` marks this run's rows
  // already combined with one of the other run's.
  void combine_history_row(const HistoryRow& row, std::vector<bool>& taken);
  static std::string key_of(std::string_view first, std::string_view second, std::string_view third = {},
                            std::string_view fourth = {});

  std::vector<EndpointStats> endpoints_;
  std::unordered_map<std::string, size_t> endpoint_indexes_;
  EndpointStats aggregate_;
  std::vector<ErrorRecord> errors_;
  std::unordered_map<std::string, size_t> error_indexes_;
  std::vector<ExceptionRecord> exceptions_;
  std::unordered_map<std::string, size_t> exception_indexes_;
  uint64_t iterations_ = 0;
  uint64_t dropped_ = 0;
  uint64_t late_ = 0;
  uint64_t tls_handshakes_ = 0;
  uint64_t tls_resumed_ = 0;
  int peak_user_count_ = 0;
  std::vector<HistoryRow> history_;
  double start_time_ = 0;  // 0: not set
  double end_time_ = 0;
};

}  // namespace ragscale
