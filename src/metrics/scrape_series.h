// Time series built from successive scrapes of one /metrics endpoint, as a run records them
// beside its own statistics.
//
// Contract: add_scrape(t, exposition) takes scrapes in increasing time t (seconds since the
// run's start). Per series (metric name + labels, "name{a=\"x\"}"):
// - gauges (and untyped metrics not ending in _total) are recorded as they are;
// - counters (typed so, or untyped names ending in _total) become rates per second over
//   each interval; a counter that went down was reset (a restart), and its new value is the
//   increase since, so a restart never shows as a negative rate;
// - histograms become, per interval, p50/p95/p99 of the observations made in that interval
//   (bucket increases, interpolated within a bucket as Prometheus's histogram_quantile()
//   does) as "name:p50{...}" etc., and "name:rate{...}" from _count; intervals without
//   observations have no percentile point;
// - summaries: their quantile samples as gauges, _count as a rate.
// A series' first scrape gives gauges a point and counters only their starting value; but a
// counter or histogram series that appears after the endpoint's first scrape was absent from
// the one before, which exporters do for label sets not yet seen (serve's and sim's status
// and outcome counters appear with their first event), so it counts from 0 at that scrape.
// NaN values are skipped. series() is sorted by key.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <vector>

#include "metrics/prometheus_text.h"

namespace ragscale::metrics {

struct SeriesPoint {
  double t = 0;
  double value = 0;
  bool operator==(const SeriesPoint&) const = default;
};

// "name" or "name{a=\"x\",b=\"y\"}" (labels sorted), Prometheus's own notation.
std::string series_key(std::string_view name, const Labels& labels);

// Prometheus's histogram_quantile() over cumulative buckets (upper bound, count), sorted by
// bound, the last +Inf; nullopt when they hold no observation.
std::optional<double> histogram_quantile(double q, const std::vector<std::pair<double, double>>& buckets);

class ScrapeSeries {
 public:
  void add_scrape(double t, const Exposition& exposition);
  const std::map<std::string, std::vector<SeriesPoint>>& series() const { return series_; }

 private:
  struct Last {
    double t = 0;
    double value = 0;
  };
  void add_counter(double t, const std::string& key, double value);
  void add_histograms(double t, const Exposition& exposition);

  std::map<std::string, std::vector<SeriesPoint>> series_;
  std::map<std::string, Last> counters_;  // last raw value per counter key
  std::map<std::string, std::vector<std::pair<double, double>>> buckets_;  // last cumulative buckets
  std::optional<double> previous_scrape_t_;  // the scrape before the one being added
};

}  // namespace ragscale::metrics
