// ServiceMetrics: request counters by route and status and latency histograms by
// route, rendered with the service's gauges in the Prometheus text format (0.0.4).
// Routes are the route patterns ("/documents/{id}"), never raw paths, so the number of
// series stays bounded whatever clients send. Thread-safe.
#pragma once

#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace ragscale::serve {

struct ServiceGauges {
  uint64_t cache_hits = 0;
  uint64_t cache_misses = 0;
  uint64_t cache_entries = 0;
  uint64_t cache_bytes = 0;
  uint64_t ingestion_queue = 0;
  uint64_t index_chunks = 0;
  uint64_t index_generation = 0;
  uint64_t in_flight_requests = 0;
  uint64_t open_connections = 0;
  uint64_t worker_queue = 0;
  uint64_t failed_tasks = 0;
};

class ServiceMetrics {
 public:
  static constexpr std::array<double, 14> kBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                       0.1,    0.25,  0.5,    1.0,   2.5,   5.0,  10.0};

  void record(std::string_view route, int status, double seconds);
  // A request refused by the per-client rate limits (also recorded as its route's 429).
  void rate_limited(std::string_view route);
  uint64_t rate_limited_total(std::string_view route) const;
  std::string render(const ServiceGauges& gauges) const;

 private:
  struct Histogram {
    std::array<uint64_t, kBuckets.size()> counts{};
    uint64_t count = 0;
    double sum = 0;
  };
  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, uint64_t> requests_;
  std::map<std::string, Histogram, std::less<>> latency_;
  std::map<std::string, uint64_t, std::less<>> rate_limited_;
};

// Resident memory of this process in bytes (0 when /proc is unavailable).
uint64_t process_resident_bytes();

}  // namespace ragscale::serve
