// The HTML report's "Target metrics" charts: of everything `load --scrape` recorded (one
// metrics::ScrapedTarget per --scrape URL, and the "generator" pseudo-target holding the
// generator's own CPU use), the few series that tell most about the run, ready to draw on
// the load's own time axis.
//
// Contract:
// - A candidate is one metric of one target: a series key's part before '{'
//   ("ragscale_requests_total", "ragscale_request_duration_seconds:p95"). A histogram is
//   one candidate, its ":p95" (its ":p50" and ":p99" ride with it); a chart of
//   known_target_charts() with several metrics is one candidate.
// - Known charts come first, in that table's order, even when flat (a queue that stayed
//   empty says something); then every other metric that changed during the run, the most
//   varying (largest coefficient of variation of a line) first. Metrics that never changed
//   are not candidates, only counted (`flat`).
// - At most `max_charts` are charted; `more` names the candidates left out. Charts are
//   ordered by target (as the run lists them), then by that rank.
// - Lines, in the metric's unit (metric_unit.h): a percentile metric draws its up to 4 label
//   sets with the highest mean, never summed; any other metric its one label set, or "total"
//   (every label set summed per scrape) and the up to 3 label sets with the highest mean; a
//   known chart of several metrics one line per metric, its label sets summed.
// - `t` is the union of a chart's lines' times, in seconds since the run's start as
//   recorded; a line has a value per t, null (nullopt) where it has no point.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "metrics/metrics_scraper.h"

namespace ragscale::report {

struct ChartLine {
  std::string label;
  std::vector<std::optional<double>> values;  // one per TargetChart::t
};

struct TargetChart {
  std::string target;  // its URL, or "generator"
  std::string metric;  // the metrics drawn, ", "-joined
  std::string title;   // a known chart's title; else the metric
  std::string unit;    // "" when the metric has none
  std::vector<double> t;
  std::vector<ChartLine> lines;
};

struct UnchartedMetric {
  std::string target;
  std::string metric;
};

struct TargetCharts {
  std::vector<TargetChart> charts;
  std::vector<UnchartedMetric> more;  // candidates beyond the cap, in rank order
  size_t flat = 0;                    // metrics that never changed
};

TargetCharts choose_target_charts(const std::vector<metrics::ScrapedTarget>& targets, size_t max_charts = 12);

// {"charts": [{target, metric, title, unit, t: [...], lines: [{label, values: [v|null]}]}],
//  "more": [{target, metric}], "flat": N}
void write_target_charts_json(std::ostream& out, const TargetCharts& charts);

}  // namespace ragscale::report
