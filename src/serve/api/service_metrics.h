// ServiceMetrics: request counters by route and status and latency histograms by
// route, rendered with the service's gauges and the process's own figures
// (metrics/process_metrics.h) in the Prometheus text format (0.0.4).
// Routes are the route patterns ("/documents/{id}"), never raw paths, so the number of
// series stays bounded whatever clients send. Thread-safe.
#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "metrics/atomic_histogram.h"
#include "metrics/process_metrics.h"

namespace ragscale::serve {

// Calls to one model backend in progress: sent on a connection, not yet answered.
struct BackendInFlight {
  std::string backend;  // "llm", "embedder"
  uint64_t calls = 0;
};

// The shared cache in Redis (--cache) and what depends on it.
struct SharedCacheGauges {
  bool redis_up = false;
  uint64_t connections_lost = 0;
  uint64_t hits = 0;
  uint64_t misses = 0;
  uint64_t errors = 0;     // lookups and stores Redis did not answer: also degraded
  uint64_t too_large = 0;  // answers over the size bound, not stored
  uint64_t generation = 0;
  uint64_t rate_limit_degraded = 0;  // decisions by the local buckets alone, Redis down
};

struct ServiceGauges {
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  uint64_t cache_entries = 0;
  uint64_t cache_bytes = 0;
  uint64_t ingestion_queue = 0;
  uint64_t index_chunks = 0;
  uint64_t index_generation = 0;
  bool shared_store = false;  // the two store_ figures below are rendered only then
  uint64_t store_changes_applied = 0;
  double store_change_lag_seconds = 0;
  uint64_t in_flight_requests = 0;
  uint64_t open_connections = 0;
  uint64_t worker_queue = 0;
  uint64_t worker_threads = 0;
  uint64_t worker_threads_busy = 0;
  const metrics::AtomicHistogram* worker_queue_wait = nullptr;  // none: not rendered
  uint64_t failed_tasks = 0;
  std::vector<BackendInFlight> backends_in_flight;
  std::optional<SharedCacheGauges> shared;  // none: no --cache
};

class ServiceMetrics {
 public:
  void record(std::string_view route, int status, double seconds);
  // A request refused by the per-client rate limits (also recorded as its route's 429).
  void rate_limited(std::string_view route);
  uint64_t rate_limited_total(std::string_view route) const;
  std::string render(const ServiceGauges& gauges) const;

 private:
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, metrics::AtomicHistogram, std::less<>> latency_;
  std::map<std::string, uint64_t, std::less<>> rate_limited_;
};

using metrics::process_resident_bytes;

}  // namespace ragscale::serve
