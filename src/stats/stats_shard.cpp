#include "stats/stats_shard.h"

namespace ragscale {

std::string_view StatsShard::scratch_key(uint32_t id, ErrorKind kind, std::string_view text) {
  // A separator that never appears in methods or kind numbers keeps distinct keys distinct.
  scratch_.clear();
  scratch_.append(reinterpret_cast<const char*>(&id), sizeof id);
  scratch_.push_back(char(kind));
  scratch_.push_back('\x1f');
  scratch_.append(text);
  return scratch_;
}

uint32_t StatsShard::endpoint_id(std::string_view method, std::string_view name) {
  scratch_.clear();
  scratch_.append(method);
  scratch_.push_back('\x1f');
  scratch_.append(name);
  if (auto found = endpoint_ids_.find(std::string_view(scratch_)); found != endpoint_ids_.end()) {
    return found->second;
  }
  const auto id = uint32_t(endpoints_.size());
  IntervalEndpoint& endpoint = endpoints_.emplace_back();
  endpoint.method = method;
  endpoint.name = name;
  endpoint_ids_.emplace(scratch_, id);
  return id;
}

void StatsShard::count_error_slow(uint32_t id, ErrorKind kind, std::string_view message) {
  const std::string_view key = scratch_key(id, kind, message);
  auto found = error_index_.find(key);
  if (found == error_index_.end()) {
    auto& entry = errors_.emplace_back(std::make_unique<ErrorEntry>(ErrorEntry{id, kind, std::string(message), 0}));
    found = error_index_.emplace(std::string(key), entry.get()).first;
  }
  last_error_ = found->second;
  ++last_error_->count;
}

void StatsShard::record_exception(std::string_view message) {
  auto found = exception_index_.find(message);
  if (found == exception_index_.end()) {
    exceptions_.push_back({std::string(message), 0});
    found = exception_index_.emplace(std::string(message), exceptions_.size() - 1).first;
  }
  ++exceptions_[found->second].count;
}

IntervalStats StatsShard::take_interval() {
  IntervalStats interval;
  interval.endpoints.reserve(endpoints_.size());
  for (IntervalEndpoint& endpoint : endpoints_) {
    IntervalEndpoint& taken = interval.endpoints.emplace_back();
    taken.method = endpoint.method;
    taken.name = endpoint.name;
    taken.requests = std::exchange(endpoint.requests, 0);
    taken.failures = std::exchange(endpoint.failures, 0);
    taken.rate_limited = std::exchange(endpoint.rate_limited, 0);
    taken.bytes = std::exchange(endpoint.bytes, 0);
    taken.retries = std::exchange(endpoint.retries, 0);
    // Pre-allocate the blocks the next interval will most likely touch, here rather than on
    // the recording path.
    LatencyHistogram next = endpoint.latency.empty_like();
    taken.latency = std::exchange(endpoint.latency, std::move(next));
    LlmFigures next_llm = endpoint.llm.empty_like();
    taken.llm = std::exchange(endpoint.llm, std::move(next_llm));
  }
  for (auto& entry : errors_) {
    if (entry->count == 0) continue;
    interval.errors.push_back({entry->endpoint_id, entry->kind, entry->message, entry->count});
    entry->count = 0;
  }
  for (IntervalException& exception : exceptions_) {
    if (exception.count == 0) continue;
    interval.exceptions.push_back({exception.message, exception.count});
    exception.count = 0;
  }
  interval.iterations = std::exchange(iterations_, 0);
  interval.dropped = std::exchange(dropped_, 0);
  interval.late = std::exchange(late_, 0);
  return interval;
}

}  // namespace ragscale
