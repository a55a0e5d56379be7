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
// - Every tick also samples the generator process itself, as series of a target named
//   "generator", so a run can tell when the generator was its own bottleneck:
//     ragscale_load_cpu_cores              its CPU use in cores over the interval (getrusage);
//     ragscale_load_loop_lag_seconds       the largest lag of any load worker's event loop in
//                                          the interval (how late a timer due every 20 ms ran);
//     ragscale_load_loop_lag_mean_seconds  the mean of those lags.
//   The lag comes from loop_lag(): the run's workers record into it (RunnerSettings::loop_lag)
//   and each tick reads and resets it; a tick with no lag sample records no lag point.
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
#include "net/loop_lag_probe.h"

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
  // Where the load workers' lag probes record (see the contract).
  net::LoopLag& loop_lag();

 private:
  struct Loop;
  std::unique_ptr<Loop> loop_;
  std::thread thread_;
};

}  // namespace ragscale::metrics
