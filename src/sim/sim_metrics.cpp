#include "sim/sim_metrics.h"

#include <cstdio>

#include "metrics/process_metrics.h"

namespace ragscale::sim {

namespace {

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.9g", value);
  return buffer;
}

void header(std::string& out, std::string_view name, std::string_view type, std::string_view help) {
  out += "# HELP ragscale_sim_";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ragscale_sim_";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
}

void sample(std::string& out, std::string_view name, std::string_view labels, double value) {
  out += "ragscale_sim_";
  out += name;
  if (!labels.empty()) {
    out += '{';
    out += labels;
    out += '}';
  }
  out += ' ';
  out += number(value);
  out += '\n';
}

void counter(std::string& out, std::string_view name, std::string_view help, uint64_t value) {
  header(out, name, "counter", help);
  sample(out, name, {}, static_cast<double>(value));
}

void gauge(std::string& out, std::string_view name, std::string_view help, size_t value) {
  header(out, name, "gauge", help);
  sample(out, name, {}, static_cast<double>(value));
}

void labelled_counter(std::string& out, std::string_view name, std::string_view help, std::string_view label,
                      const std::map<std::string, uint64_t>& values) {
  header(out, name, "counter", help);
  for (const auto& [key, value] : values) {
    sample(out, name, std::string(label) + "=\"" + key + "\"", static_cast<double>(value));
  }
}

}  // namespace

void SecondsHistogram::observe(double seconds) {
  for (size_t i = 0; i < kBounds.size(); ++i) {
    if (seconds <= kBounds[i]) ++buckets_[i];
  }
  ++count_;
  sum_ += seconds;
}

void SecondsHistogram::render(std::string& out, std::string_view name, std::string_view help) const {
  header(out, name, "histogram", help);
  std::string bucket = std::string(name) + "_bucket";
  for (size_t i = 0; i < kBounds.size(); ++i) {
    sample(out, bucket, "le=\"" + number(kBounds[i]) + "\"", static_cast<double>(buckets_[i]));
  }
  sample(out, bucket, "le=\"+Inf\"", static_cast<double>(count_));
  sample(out, std::string(name) + "_sum", {}, sum_);
  sample(out, std::string(name) + "_count", {}, static_cast<double>(count_));
}

uint64_t SimMetrics::requests() const {
  uint64_t total = 0;
  for (const auto& [key, value] : requests_) total += value;
  return total;
}

std::string SimMetrics::render(const SimGauges& gauges) const {
  std::string out;
  header(out, "requests_total", "counter", "Requests answered, by endpoint and HTTP status.");
  for (const auto& [key, value] : requests_) {
    sample(out, "requests_total", "endpoint=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"",
           static_cast<double>(value));
  }
  counter(out, "prompt_tokens_total", "Prompt tokens of admitted requests.", prompt_tokens_);
  counter(out, "completion_tokens_total", "Completion tokens generated.", completion_tokens_);
  counter(out, "streamed_chunks_total", "Server-Sent Events token chunks written.", streamed_chunks_);
  counter(out, "embedding_inputs_total", "Texts embedded.", embedding_inputs_);
  labelled_counter(out, "rate_limited_total", "Requests refused with 429, by the limit they hit.", "limit",
                   rate_limited_);
  labelled_counter(out, "faults_injected_total", "Faults injected, by kind.", "kind", faults_);
  time_to_first_token_.render(out, "time_to_first_token_seconds",
                              "From request arrival to the first token (includes queue wait).");
  queue_wait_.render(out, "queue_wait_seconds", "Time spent waiting for a generation slot.");
  gauge(out, "queue_depth", "Requests waiting for a generation slot.", gauges.queue_depth);
  gauge(out, "active_generations", "Requests holding a generation slot.", gauges.active_generations);
  gauge(out, "active_streams", "Streamed answers in progress.", gauges.active_streams);
  gauge(out, "generation_slots", "Configured generation slots (0: unlimited).", gauges.generation_slots);
  gauge(out, "hung_requests", "Requests held open without an answer by the timeout fault.", gauges.hung_requests);
  gauge(out, "open_connections", "Open client connections.", gauges.open_connections);
  metrics::append_process_metrics(out);
  return out;
}

}  // namespace ragscale::sim
