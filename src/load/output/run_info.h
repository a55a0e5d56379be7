// RunInfo: the description of a load run that the reports print next to the statistics.
//
// Contract: plain data filled in by the CLI. The run's start/end time and peak user count are
// not here: RunStats owns them (begin()/finish(), close_second() user counts), so a report can
// never show a duration that disagrees with the rates computed from it.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "metrics/metrics_scraper.h"

namespace ragscale::output {

// The verdict of one threshold at the end of a run.
struct ThresholdVerdict {
  std::string expression;  // as written, e.g. "http_req_duration: p(95)<500"
  bool passed = false;
  bool has_data = false;   // false: no sample to judge (counts as passed, as in k6)
  double observed = 0;

  bool operator==(const ThresholdVerdict&) const = default;
};

struct RunInfo {
  std::string host;  // target base URL, e.g. "http://127.0.0.1:8080"
  // Effective settings in display order, e.g. {"users", "50"}, {"duration", "60s"}.
  std::vector<std::pair<std::string, std::string>> settings;
  // True when the open model measured latency from each request's scheduled start time.
  bool coordinated_omission_corrected = false;
  std::vector<ThresholdVerdict> thresholds;
  std::string abort_reason;  // non-empty when a threshold stopped the run
  // The targets' metrics scraped during the run (--scrape), the generator's own first.
  std::vector<metrics::ScrapedTarget> scraped;

  bool operator==(const RunInfo&) const = default;
};

}  // namespace ragscale::output
