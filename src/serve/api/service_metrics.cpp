#include "serve/api/service_metrics.h"

#include <cstdio>

namespace ragscale::serve {
namespace {

void append_gauge(std::string& out, const char* name, const char* help, const char* type, uint64_t value) {
  out += "# HELP ";
  out += name;
  out += ' ';
  out += help;
  out += "\n# TYPE ";
  out += name;
  out += ' ';
  out += type;
  out += '\n';
  out += name;
  out += ' ';
  out += std::to_string(value);
  out += '\n';
}

}  // namespace

void ServiceMetrics::record(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  auto it = latency_.find(route);
  if (it == latency_.end()) it = latency_.try_emplace(std::string(route)).first;
  it->second.observe(seconds);
}

void ServiceMetrics::rate_limited(std::string_view route) {
  std::lock_guard lock(mutex_);
  auto it = rate_limited_.find(route);
  if (it == rate_limited_.end()) it = rate_limited_.emplace(std::string(route), 0).first;
  ++it->second;
}

uint64_t ServiceMetrics::rate_limited_total(std::string_view route) const {
  std::lock_guard lock(mutex_);
  auto it = rate_limited_.find(route);
  return it == rate_limited_.end() ? 0 : it->second;
}

std::string ServiceMetrics::render(const ServiceGauges& gauges) const {
  std::string out;
  {
    std::lock_guard lock(mutex_);
    out += "# HELP ragscale_requests_total Requests answered, by route and status.\n";
    out += "# TYPE ragscale_requests_total counter\n";
    for (const auto& [key, count] : requests_) {
      out += "ragscale_requests_total{route=\"" + key.first + "\",status=\"" + std::to_string(key.second) + "\"} " +
             std::to_string(count) + "\n";
    }
    out += "# HELP ragscale_request_duration_seconds Time from request to response, by route.\n";
    out += "# TYPE ragscale_request_duration_seconds histogram\n";
    for (const auto& [route, histogram] : latency_) {
      histogram.render(out, "ragscale_request_duration_seconds", "route=\"" + route + "\"");
    }
    out += "# HELP ragscale_rate_limited_total Requests refused with 429 by the per-client rate limits, by route.\n";
    out += "# TYPE ragscale_rate_limited_total counter\n";
    for (const auto& [route, count] : rate_limited_) {
      out += "ragscale_rate_limited_total{route=\"" + route + "\"} " + std::to_string(count) + "\n";
    }
  }
  append_gauge(out, "ragscale_cache_hits_total", "Query cache hits.", "counter", gauges.cache_hits);
  append_gauge(out, "ragscale_cache_misses_total", "Query cache misses.", "counter", gauges.cache_misses);
  append_gauge(out, "ragscale_cache_entries", "Answers held in the query cache.", "gauge", gauges.cache_entries);
  append_gauge(out, "ragscale_cache_bytes", "Bytes held in the query cache.", "gauge", gauges.cache_bytes);
  if (const auto& shared = gauges.shared) {
    append_gauge(out, "ragscale_cache_l2_hits_total", "Shared (Redis) cache hits after an in-process miss.",
                 "counter", shared->hits);
    append_gauge(out, "ragscale_cache_l2_misses_total", "Shared (Redis) cache misses.", "counter", shared->misses);
    append_gauge(out, "ragscale_cache_l2_errors_total",
                 "Shared cache lookups and stores Redis did not answer (down or timed out).", "counter",
                 shared->errors);
    append_gauge(out, "ragscale_cache_l2_too_large_total", "Answers too large for the shared cache, not stored.",
                 "counter", shared->too_large);
    append_gauge(out, "ragscale_redis_up", "1 while the Redis of --cache is connected.", "gauge",
                 shared->redis_up ? 1 : 0);
    append_gauge(out, "ragscale_redis_connections_lost_total", "Times the Redis connection was lost.", "counter",
                 shared->connections_lost);
    append_gauge(out, "ragscale_shared_index_generation", "The index generation shared through Redis.", "gauge",
                 shared->generation);
    out += "# HELP ragscale_redis_degraded_total Work done without Redis because it was down: cache lookups and "
           "stores skipped, rate-limit decisions by the local buckets alone.\n";
    out += "# TYPE ragscale_redis_degraded_total counter\n";
    out += "ragscale_redis_degraded_total{part=\"cache\"} " + std::to_string(shared->errors) + "\n";
    out += "ragscale_redis_degraded_total{part=\"rate_limit\"} " + std::to_string(shared->rate_limit_degraded) +
           "\n";
  }
  append_gauge(out, "ragscale_ingestion_queue", "Documents waiting for or in ingestion.", "gauge",
               gauges.ingestion_queue);
  append_gauge(out, "ragscale_index_chunks", "Chunks in the dense index.", "gauge", gauges.index_chunks);
  append_gauge(out, "ragscale_index_generation", "Changes applied to the index since start.", "counter",
               gauges.index_generation);
  if (gauges.shared_store) {
    append_gauge(out, "ragscale_store_changes_applied_total",
                 "Other replicas' uploads and deletes applied to this replica's index.", "counter",
                 gauges.store_changes_applied);
    char lag[64];
    std::snprintf(lag, sizeof lag, "%.6f", gauges.store_change_lag_seconds);
    out += "# HELP ragscale_store_change_lag_seconds From commit on another replica to applied here, last change.\n"
           "# TYPE ragscale_store_change_lag_seconds gauge\nragscale_store_change_lag_seconds ";
    out += lag;
    out += '\n';
  }
  append_gauge(out, "ragscale_in_flight_requests", "Requests received and not yet answered.", "gauge",
               gauges.in_flight_requests);
  append_gauge(out, "ragscale_open_connections", "Open client connections.", "gauge", gauges.open_connections);
  append_gauge(out, "ragscale_worker_queue", "Tasks waiting for or running on the worker pool.", "gauge",
               gauges.worker_queue);
  append_gauge(out, "ragscale_worker_threads", "Threads of the worker pool.", "gauge", gauges.worker_threads);
  append_gauge(out, "ragscale_worker_threads_busy", "Worker threads running a task now.", "gauge",
               gauges.worker_threads_busy);
  if (gauges.worker_queue_wait) {
    out += "# HELP ragscale_worker_queue_wait_seconds Time from a task's submission to the worker pool to its start.\n";
    out += "# TYPE ragscale_worker_queue_wait_seconds histogram\n";
    gauges.worker_queue_wait->render(out, "ragscale_worker_queue_wait_seconds");
  }
  append_gauge(out, "ragscale_failed_tasks_total", "Worker and ingestion tasks that ended with an exception.",
               "counter", gauges.failed_tasks);
  out += "# HELP ragscale_backend_in_flight Calls to each model backend sent and not yet answered.\n";
  out += "# TYPE ragscale_backend_in_flight gauge\n";
  for (const auto& backend : gauges.backends_in_flight) {
    out += "ragscale_backend_in_flight{backend=\"" + backend.backend + "\"} " + std::to_string(backend.calls) + "\n";
  }
  metrics::append_process_metrics(out);
  return out;
}

}  // namespace ragscale::serve
