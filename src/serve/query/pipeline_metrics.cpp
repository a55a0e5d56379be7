#include "serve/query/pipeline_metrics.h"

#include <cstdio>

namespace ragscale::serve {

void PipelineMetrics::degraded(std::string_view reason) {
  std::lock_guard lock(mutex_);
  bump(degraded_, reason);
}

void PipelineMetrics::mode(std::string_view mode) {
  std::lock_guard lock(mutex_);
  bump(modes_, mode);
}

void PipelineMetrics::shed(std::string_view stage) {
  std::lock_guard lock(mutex_);
  bump(shed_, stage);
}

void PipelineMetrics::admission_limit(std::string_view stage, size_t limit) {
  std::lock_guard lock(mutex_);
  limits_[std::string(stage)] = limit;
}

void PipelineMetrics::llm_queue_wait(double seconds) {
  std::lock_guard lock(mutex_);
  ++waits_;
  wait_sum_ += seconds;
  for (size_t i = 0; i < kWaitBuckets.size(); ++i) {
    if (seconds <= kWaitBuckets[i]) ++wait_counts_[i];
  }
}

uint64_t PipelineMetrics::mode_total(std::string_view mode) const {
  std::lock_guard lock(mutex_);
  auto found = modes_.find(mode);
  return found == modes_.end() ? 0 : found->second;
}

uint64_t PipelineMetrics::shed_total() const {
  std::lock_guard lock(mutex_);
  uint64_t total = 0;
  for (const auto& [stage, count] : shed_) total += count;
  return total;
}

void PipelineMetrics::backend_call(std::string_view backend, std::string_view outcome) {
  std::lock_guard lock(mutex_);
  ++backend_calls_[{std::string(backend), std::string(outcome)}];
}

void PipelineMetrics::retry(std::string_view backend) {
  std::lock_guard lock(mutex_);
  bump(retries_, backend);
}

void PipelineMetrics::embed_batch(size_t size) {
  std::lock_guard lock(mutex_);
  ++batches_;
  batched_items_ += size;
  for (size_t i = 0; i < kBatchBuckets.size(); ++i) {
    if (size <= static_cast<size_t>(kBatchBuckets[i])) ++batch_counts_[i];
  }
}

uint64_t PipelineMetrics::coalesced_total() const {
  std::lock_guard lock(mutex_);
  return coalesced_;
}

uint64_t PipelineMetrics::degraded_total(std::string_view reason) const {
  std::lock_guard lock(mutex_);
  auto found = degraded_.find(reason);
  return found == degraded_.end() ? 0 : found->second;
}

uint64_t PipelineMetrics::backend_calls(std::string_view backend, std::string_view outcome) const {
  std::lock_guard lock(mutex_);
  auto found = backend_calls_.find({std::string(backend), std::string(outcome)});
  return found == backend_calls_.end() ? 0 : found->second;
}

std::string PipelineMetrics::render(const std::vector<BreakerReading>& breakers) const {
  std::lock_guard lock(mutex_);
  std::string out;
  auto line = [&out](const std::string& text) { out += text + "\n"; };
  line("# HELP ragscale_coalesced_total Requests that joined an identical answer already in the making.");
  line("# TYPE ragscale_coalesced_total counter");
  line("ragscale_coalesced_total " + std::to_string(coalesced_));
  line("# HELP ragscale_degraded_total Answers served degraded, by reason.");
  line("# TYPE ragscale_degraded_total counter");
  for (const auto& [reason, count] : degraded_) {
    line("ragscale_degraded_total{reason=\"" + reason + "\"} " + std::to_string(count));
  }
  line("# HELP ragscale_stale_answers_total Expired cached answers served because the model failed.");
  line("# TYPE ragscale_stale_answers_total counter");
  line("ragscale_stale_answers_total " + std::to_string(stale_));
  line("# HELP ragscale_warmed_questions_total Questions of the warm file answered into the cache.");
  line("# TYPE ragscale_warmed_questions_total counter");
  line("ragscale_warmed_questions_total " + std::to_string(warmed_));
  line("# HELP ragscale_backend_requests_total Calls to model backends, by outcome.");
  line("# TYPE ragscale_backend_requests_total counter");
  for (const auto& [labels, count] : backend_calls_) {
    line("ragscale_backend_requests_total{backend=\"" + labels.first + "\",outcome=\"" + labels.second + "\"} " +
         std::to_string(count));
  }
  line("# HELP ragscale_backend_retries_total Retried calls to model backends.");
  line("# TYPE ragscale_backend_retries_total counter");
  for (const auto& [backend, count] : retries_) {
    line("ragscale_backend_retries_total{backend=\"" + backend + "\"} " + std::to_string(count));
  }
  line("# HELP ragscale_circuit_state Circuit breaker state per backend: 0 closed, 1 open, 2 half-open.");
  line("# TYPE ragscale_circuit_state gauge");
  for (const auto& breaker : breakers) {
    line("ragscale_circuit_state{backend=\"" + breaker.backend + "\"} " + std::to_string(breaker.value));
  }
  line("# HELP ragscale_circuit_opened_total Times each backend's breaker opened.");
  line("# TYPE ragscale_circuit_opened_total counter");
  for (const auto& breaker : breakers) {
    line("ragscale_circuit_opened_total{backend=\"" + breaker.backend + "\"} " + std::to_string(breaker.opened_total));
  }
  line("# HELP ragscale_embed_batch_size Query-time embedding requests by number of questions batched.");
  line("# TYPE ragscale_embed_batch_size histogram");
  for (size_t i = 0; i < kBatchBuckets.size(); ++i) {
    line("ragscale_embed_batch_size_bucket{le=\"" + std::to_string(kBatchBuckets[i]) + "\"} " +
         std::to_string(batch_counts_[i]));
  }
  line("ragscale_embed_batch_size_bucket{le=\"+Inf\"} " + std::to_string(batches_));
  line("ragscale_embed_batch_size_sum " + std::to_string(batched_items_));
  line("ragscale_embed_batch_size_count " + std::to_string(batches_));
  line("# HELP ragscale_mode_total Answers by the mode they were made in (full, reduced, extractive, cached).");
  line("# TYPE ragscale_mode_total counter");
  for (const auto& [mode, count] : modes_) line("ragscale_mode_total{mode=\"" + mode + "\"} " + std::to_string(count));
  line("# HELP ragscale_shed_total Questions refused by admission control, by stage.");
  line("# TYPE ragscale_shed_total counter");
  for (const auto& [stage, count] : shed_) line("ragscale_shed_total{stage=\"" + stage + "\"} " + std::to_string(count));
  line("# HELP ragscale_admission_limit The adaptive concurrency limit of each stage.");
  line("# TYPE ragscale_admission_limit gauge");
  for (const auto& [stage, limit] : limits_) {
    line("ragscale_admission_limit{stage=\"" + stage + "\"} " + std::to_string(limit));
  }
  line("# HELP ragscale_llm_queue_wait_seconds How long model calls waited for a place.");
  line("# TYPE ragscale_llm_queue_wait_seconds histogram");
  for (size_t i = 0; i < kWaitBuckets.size(); ++i) {
    char bound[32];
    std::snprintf(bound, sizeof bound, "%g", kWaitBuckets[i]);
    line(std::string("ragscale_llm_queue_wait_seconds_bucket{le=\"") + bound + "\"} " + std::to_string(wait_counts_[i]));
  }
  line("ragscale_llm_queue_wait_seconds_bucket{le=\"+Inf\"} " + std::to_string(waits_));
  char sum[64];
  std::snprintf(sum, sizeof sum, "%.6f", wait_sum_);
  line(std::string("ragscale_llm_queue_wait_seconds_sum ") + sum);
  line("ragscale_llm_queue_wait_seconds_count " + std::to_string(waits_));
  return out;
}

}  // namespace ragscale::serve
