// MetricsScraper: scrapes Prometheus /metrics endpoints while a load run goes, on a thread
// of its own, so the run's workers never wait for a target's metrics.
//
// Contract:
// - The constructor parses and resolves every URL (http:// only) and throws
//   std::invalid_argument naming the URL when one cannot be used: a bad --scrape is bad
//   input before the run starts.
// - start() begins scraping at once and then every interval, each target on its own
//   keep-alive connection; a scrape still unanswered at the next tick is skipped (and the
//   connection reset after two intervals), so a slow exporter costs samples, not drift.
// - Every tick also samples the generator process itself: its CPU use in cores over the
//   interval (getrusage), recorded as the series "ragscale_load_cpu_cores" of a target
//   named "generator", so a run can tell when the generator was its own bottleneck.
// - stop() ends the thread; results() (after stop) gives each target's series
//   (metrics/scrape_series.h), its scrape and failure counts, the last failure and the
//   exposition problems seen. Times are seconds since `start_unix` (the run's start).
#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "metrics/scrape_series.h"

namespace ragscale::metrics {

struct ScrapedTarget {
  std::string url;
  uint64_t scrapes = 0;    // answered with 200 and parsed
  uint64_t failures = 0;   // refused, timed out, not 200
  uint64_t problems = 0;   // malformed exposition lines skipped
  std::string last_failure;
  std::map<std::string, std::vector<SeriesPoint>> series;

  bool operator==(const ScrapedTarget&) const = default;
};

class MetricsScraper {
 public:
  MetricsScraper(const std::vector<std::string>& urls, std::chrono::milliseconds interval);
  ~MetricsScraper();
  MetricsScraper(const MetricsScraper&) = delete;
  MetricsScraper& operator=(const MetricsScraper&) = delete;

  void start(double start_unix);
  void stop();
  std::vector<ScrapedTarget> results() const;

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace ragscale::metrics
