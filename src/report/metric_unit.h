// The unit the HTML report charts a scraped metric in, from its name alone (Prometheus's
// naming conventions), so a reader sees milliseconds and MiB rather than 0.00042 seconds and
// 17301504 bytes, and a counter's recorded rate is labelled per second.
//
// Contract: `metric` is a series key's name part, with the derived suffix `load --scrape`
// gives (metrics/scrape_series.h): "name:p95" (a histogram's percentile), "name:rate" (its
// observations per second). unit_of() gives the label and the factor from recorded values:
// - names with "cpu_seconds_total" (CPU seconds per second) and "_cpu_cores": "CPU cores";
// - "_bytes": MiB;
// - "_seconds" gauges and "_seconds:pNN" percentiles: ms;
// - other "_total" counters and ":rate": "/s";
// - anything else: no unit, as recorded.
// is_percentile(): a histogram's ":pNN" series or a summary's quantile gauge, whose label
// sets must not be summed.
#pragma once

#include <string_view>

namespace ragscale::report {

struct MetricUnit {
  std::string_view unit;
  double scale = 1;  // chart value = recorded value × scale
};

MetricUnit unit_of(std::string_view metric);

bool is_percentile(std::string_view series_key);

}  // namespace ragscale::report
