#include "stats/run_stats.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ragscale {
namespace {

SeriesPoint combine(const SeriesPoint& a, const SeriesPoint& b) {
  SeriesPoint sum;
  sum.requests = a.requests + b.requests;
  sum.failures = a.failures + b.failures;
  sum.current_rps = a.current_rps + b.current_rps;
  sum.current_fps = a.current_fps + b.current_fps;
  sum.window_requests = a.window_requests + b.window_requests;
  for (size_t i = 0; i < sum.window_percentiles_us.size(); ++i) {
    sum.window_percentiles_us[i] = std::max(a.window_percentiles_us[i], b.window_percentiles_us[i]);
  }
  sum.total_requests = a.total_requests + b.total_requests;
  sum.total_failures = a.total_failures + b.total_failures;
  sum.total_bytes = a.total_bytes + b.total_bytes;
  if (a.total_requests == 0 || b.total_requests == 0) {
    sum.total_min_us = a.total_requests == 0 ? b.total_min_us : a.total_min_us;
  } else {
    sum.total_min_us = std::min(a.total_min_us, b.total_min_us);
  }
  sum.total_max_us = std::max(a.total_max_us, b.total_max_us);
  sum.total_median_us = std::max(a.total_median_us, b.total_median_us);
  if (sum.total_requests != 0) {
    sum.total_mean_us = (a.total_mean_us * double(a.total_requests) + b.total_mean_us * double(b.total_requests)) /
                        double(sum.total_requests);
  }
  return sum;
}

int64_t whole_second(double unix_time) { return int64_t(std::floor(unix_time)); }

}  // namespace

uint64_t SeriesPoint::window_percentile_us(double percent) const {
  for (size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    if (kReportedPercentiles[i] == percent) return window_percentiles_us[i];
  }
  throw std::invalid_argument("window percentile " + std::to_string(percent) +
                              " is not one of the reported percentiles (50, 66, ..., 100)");
}

// ---- EndpointStats -------------------------------------------------------------------------

double EndpointStats::current_rps() const {
  const uint64_t seconds = std::min<uint64_t>(seconds_closed_, kWindowSeconds);
  return seconds == 0 ? 0.0 : double(window_requests_) / double(seconds);
}

double EndpointStats::current_fps() const {
  const uint64_t seconds = std::min<uint64_t>(seconds_closed_, kWindowSeconds);
  return seconds == 0 ? 0.0 : double(window_failures_) / double(seconds);
}

void EndpointStats::add(uint64_t requests, uint64_t failures, uint64_t rate_limited, uint64_t bytes,
                        const LatencyHistogram& latency) {
  requests_ += requests;
  failures_ += failures;
  rate_limited_ += rate_limited;
  bytes_ += bytes;
  latency_.merge(latency);
  open_second_requests_ += requests;
  open_second_failures_ += failures;
  open_second_latency_.merge(latency);
}

void EndpointStats::add_llm(const LlmFigures& llm) {
  llm_.merge(llm);
  open_second_llm_.merge(llm);
}

void EndpointStats::close_second() {
  const size_t slot = seconds_closed_ % kWindowSeconds;
  // Swapping keeps both histograms' blocks alive, so steady-state seconds do not allocate.
  std::swap(ring_latency_[slot], open_second_latency_);
  open_second_latency_.reset();
  ring_requests_[slot] = std::exchange(open_second_requests_, 0);
  ring_failures_[slot] = std::exchange(open_second_failures_, 0);
  ++seconds_closed_;

  window_latency_.reset();
  window_requests_ = 0;
  window_failures_ = 0;
  for (size_t i = 0; i < size_t(kWindowSeconds); ++i) {
    window_latency_.merge(ring_latency_[i]);
    window_requests_ += ring_requests_[i];
    window_failures_ += ring_failures_[i];
  }
}

SeriesPoint EndpointStats::snapshot(uint64_t second_requests, uint64_t second_failures) const {
  SeriesPoint point;
  point.requests = second_requests;
  point.failures = second_failures;
  point.current_rps = current_rps();
  point.current_fps = current_fps();
  point.window_requests = window_requests_;
  window_latency_.percentiles(kReportedPercentiles, point.window_percentiles_us);
  point.total_requests = requests_;
  point.total_failures = failures_;
  point.total_bytes = bytes_;
  point.total_min_us = latency_.min();
  point.total_max_us = latency_.max();
  point.total_median_us = latency_.percentile(50);
  point.total_mean_us = latency_.mean();
  return point;
}

// ---- RunStats ------------------------------------------------------------------------------

RunStats::RunStats() : aggregate_("", std::string(kAggregateName)) {}

double RunStats::start_time() const {
  if (start_time_ != 0) return start_time_;
  // A row closes a second, so the run started one second before the first row.
  return history_.empty() ? 0.0 : history_.front().unix_time - 1.0;
}

double RunStats::end_time() const {
  if (end_time_ != 0) return end_time_;
  return history_.empty() ? start_time() : history_.back().unix_time;
}

double RunStats::duration_seconds() const { return std::max(0.0, end_time() - start_time()); }

double RunStats::requests_per_second(const EndpointStats& endpoint) const {
  const double duration = duration_seconds();
  return duration <= 0 ? 0.0 : double(endpoint.requests()) / duration;
}

double RunStats::failures_per_second(const EndpointStats& endpoint) const {
  const double duration = duration_seconds();
  return duration <= 0 ? 0.0 : double(endpoint.failures()) / duration;
}

std::string RunStats::key_of(std::string_view first, std::string_view second, std::string_view third,
                             std::string_view fourth) {
  std::string key;
  key.reserve(first.size() + second.size() + third.size() + fourth.size() + 3);
  key.append(first).push_back('\x1f');
  key.append(second).push_back('\x1f');
  key.append(third).push_back('\x1f');
  key.append(fourth);
  return key;
}

size_t RunStats::endpoint_index(std::string_view method, std::string_view name) {
  std::string key = key_of(method, name);
  if (auto found = endpoint_indexes_.find(key); found != endpoint_indexes_.end()) return found->second;
  endpoints_.emplace_back(std::string(method), std::string(name));
  endpoint_indexes_.emplace(std::move(key), endpoints_.size() - 1);
  return endpoints_.size() - 1;
}

const EndpointStats* RunStats::find(std::string_view method, std::string_view name) const {
  auto found = endpoint_indexes_.find(key_of(method, name));
  return found == endpoint_indexes_.end() ? nullptr : &endpoints_[found->second];
}

void RunStats::add(IntervalStats&& interval) {
  std::vector<size_t> indexes(interval.endpoints.size());
  for (size_t i = 0; i < interval.endpoints.size(); ++i) {
    const IntervalEndpoint& endpoint = interval.endpoints[i];
    indexes[i] = endpoint_index(endpoint.method, endpoint.name);
    if (endpoint.retries != 0) restore_retries(indexes[i], endpoint.retries);
    if (endpoint.requests == 0 && endpoint.latency.empty() && endpoint.llm.empty()) continue;
    endpoints_[indexes[i]].add(endpoint.requests, endpoint.failures, endpoint.rate_limited, endpoint.bytes,
                               endpoint.latency);
    aggregate_.add(endpoint.requests, endpoint.failures, endpoint.rate_limited, endpoint.bytes, endpoint.latency);
    if (!endpoint.llm.empty()) {
      endpoints_[indexes[i]].add_llm(endpoint.llm);
      aggregate_.add_llm(endpoint.llm);
    }
  }
  for (IntervalError& error : interval.errors) {
    if (error.endpoint_id >= interval.endpoints.size()) {
      throw std::invalid_argument("RunStats::add: interval error refers to endpoint id " +
                                  std::to_string(error.endpoint_id) + " but the interval has only " +
                                  std::to_string(interval.endpoints.size()) + " endpoints");
    }
    const EndpointStats& endpoint = endpoints_[indexes[error.endpoint_id]];
    restore_error({endpoint.method(), endpoint.name(), error.kind, std::move(error.message), error.count});
  }
  for (const IntervalException& exception : interval.exceptions) {
    restore_exception({exception.message, exception.count});
  }
  restore_counters(interval.iterations, interval.dropped, interval.late);
  restore_tls_counters(interval.tls_handshakes, interval.tls_resumed);
}

void RunStats::close_second(double unix_time, int user_count) {
  HistoryRow row;
  row.unix_time = unix_time;
  row.user_count = user_count;
  row.endpoints.reserve(endpoints_.size());
  for (EndpointStats& endpoint : endpoints_) {
    const uint64_t requests = endpoint.open_second_requests_;
    const uint64_t failures = endpoint.open_second_failures_;
    endpoint.close_second();
    row.endpoints.push_back(endpoint.snapshot(requests, failures));
  }
  const uint64_t requests = aggregate_.open_second_requests_;
  const uint64_t failures = aggregate_.open_second_failures_;
  row.llm = LlmSecond::of(aggregate_.open_second_llm_);
  aggregate_.open_second_llm_.reset();
  for (EndpointStats& endpoint : endpoints_) endpoint.open_second_llm_.reset();
  aggregate_.close_second();
  row.aggregate = aggregate_.snapshot(requests, failures);
  peak_user_count_ = std::max(peak_user_count_, user_count);
  history_.push_back(std::move(row));
}

size_t RunStats::restore_endpoint(std::string_view method, std::string_view name, uint64_t requests,
                                  uint64_t failures, uint64_t rate_limited, uint64_t bytes,
                                  const LatencyHistogram& latency) {
  const size_t index = endpoint_index(method, name);
  EndpointStats& endpoint = endpoints_[index];
  // Restored totals belong to no open second: keep them out of the window.
  endpoint.requests_ += requests;
  endpoint.failures_ += failures;
  endpoint.rate_limited_ += rate_limited;
  endpoint.bytes_ += bytes;
  endpoint.latency_.merge(latency);
  aggregate_.requests_ += requests;
  aggregate_.failures_ += failures;
  aggregate_.rate_limited_ += rate_limited;
  aggregate_.bytes_ += bytes;
  aggregate_.latency_.merge(latency);
  return index;
}

void RunStats::restore_llm(size_t endpoint_index, const LlmFigures& llm) {
  endpoints_.at(endpoint_index).llm_.merge(llm);
  aggregate_.llm_.merge(llm);
}

void RunStats::restore_retries(size_t endpoint_index, uint64_t retries) {
  endpoints_.at(endpoint_index).retries_ += retries;
  aggregate_.retries_ += retries;
}

void RunStats::restore_error(const ErrorRecord& error) {
  std::string key = key_of(error.method, error.name, to_string(error.kind), error.message);
  if (auto found = error_indexes_.find(key); found != error_indexes_.end()) {
    errors_[found->second].occurrences += error.occurrences;
    return;
  }
  errors_.push_back(error);
  error_indexes_.emplace(std::move(key), errors_.size() - 1);
}

void RunStats::restore_exception(const ExceptionRecord& exception) {
  if (auto found = exception_indexes_.find(exception.message); found != exception_indexes_.end()) {
    exceptions_[found->second].count += exception.count;
    return;
  }
  exceptions_.push_back(exception);
  exception_indexes_.emplace(exception.message, exceptions_.size() - 1);
}

void RunStats::restore_counters(uint64_t iterations, uint64_t dropped, uint64_t late) {
  iterations_ += iterations;
  dropped_ += dropped;
  late_ += late;
}

void RunStats::restore_tls_counters(uint64_t handshakes, uint64_t resumed) {
  tls_handshakes_ += handshakes;
  tls_resumed_ += resumed;
}

void RunStats::restore_history_row(const HistoryRow& row) {
  if (row.endpoints.size() > endpoints_.size()) {
    throw std::invalid_argument("history row has " + std::to_string(row.endpoints.size()) +
                                " endpoint points but the run has only " + std::to_string(endpoints_.size()) +
                                " endpoints; restore the endpoints first");
  }
  auto position = std::upper_bound(history_.begin(), history_.end(), row.unix_time,
                                   [](double t, const HistoryRow& existing) { return t < existing.unix_time; });
  position = history_.insert(position, row);
  peak_user_count_ = std::max(peak_user_count_, position->user_count);
}

void RunStats::combine_history_row(const HistoryRow& row, std::vector<bool>& taken) {
  // The first row of this run in the same whole second that no earlier row of the other run
  // has been combined with: a second's rows pair up in order, the stop's partial second too.
  const int64_t second = whole_second(row.unix_time);
  auto position = std::lower_bound(history_.begin(), history_.end(), second, [](const HistoryRow& existing, int64_t s) {
    return whole_second(existing.unix_time) < s;
  });
  while (position != history_.end() && whole_second(position->unix_time) == second &&
         taken[static_cast<size_t>(position - history_.begin())]) {
    ++position;
  }
  if (position == history_.end() || whole_second(position->unix_time) != second) {
    const size_t index = static_cast<size_t>(position - history_.begin());
    history_.insert(position, row);
    taken.insert(taken.begin() + static_cast<std::ptrdiff_t>(index), true);
    peak_user_count_ = std::max(peak_user_count_, row.user_count);
    return;
  }
  taken[static_cast<size_t>(position - history_.begin())] = true;
  HistoryRow& existing = *position;
  existing.user_count += row.user_count;
  existing.aggregate = combine(existing.aggregate, row.aggregate);
  existing.llm = LlmSecond::combine(existing.llm, row.llm);
  if (existing.endpoints.size() < row.endpoints.size()) existing.endpoints.resize(row.endpoints.size());
  for (size_t i = 0; i < row.endpoints.size(); ++i) {
    existing.endpoints[i] = combine(existing.endpoints[i], row.endpoints[i]);
  }
  peak_user_count_ = std::max(peak_user_count_, existing.user_count);
}

void RunStats::merge(const RunStats& other) {
  if (&other == this) throw std::invalid_argument("RunStats::merge: cannot merge a run into itself");
  std::vector<size_t> indexes;
  indexes.reserve(other.endpoints_.size());
  for (const EndpointStats& endpoint : other.endpoints_) {
    indexes.push_back(restore_endpoint(endpoint.method(), endpoint.name(), endpoint.requests(), endpoint.failures(),
                                       endpoint.rate_limited(), endpoint.bytes(), endpoint.latency()));
    if (!endpoint.llm().empty()) restore_llm(indexes.back(), endpoint.llm());
    restore_retries(indexes.back(), endpoint.retries());
  }
  for (const ErrorRecord& error : other.errors_) restore_error(error);
  for (const ExceptionRecord& exception : other.exceptions_) restore_exception(exception);
  restore_counters(other.iterations_, other.dropped_, other.late_);
  restore_tls_counters(other.tls_handshakes_, other.tls_resumed_);
  std::vector<bool> taken(history_.size(), false);
  for (const HistoryRow& row : other.history_) {
    HistoryRow mapped = row;
    mapped.endpoints.assign(endpoints_.size(), SeriesPoint{});
    for (size_t i = 0; i < row.endpoints.size(); ++i) mapped.endpoints[indexes[i]] = row.endpoints[i];
    combine_history_row(mapped, taken);
  }
  restore_peak_user_count(other.peak_user_count_);
  if (other.start_time_ != 0) start_time_ = start_time_ == 0 ? other.start_time_ : std::min(start_time_, other.start_time_);
  if (other.end_time_ != 0) end_time_ = std::max(end_time_, other.end_time_);
}

}  // namespace ragscale
