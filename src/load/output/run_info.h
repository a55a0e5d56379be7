// RunInfo: the description of a load run that the reports print next to the statistics.
//
// Contract: plain data filled in by the CLI. The run's start/end time and peak user count are
// not here: RunStats owns them (begin()/finish(), close_second() user counts), so a report can
// never show a duration that disagrees with the rates computed from it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
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

// One generator's part of a merged run (ragscale merge, load --processes): what the report's
// per-segment rows show.
struct RunPart {
  std::string source;   // the summary file it came from
  std::string segment;  // "0/2", "1/4:1/2"; empty when the part ran no --segment
  uint64_t segment_period = 0;  // the common denominator its run's segments shared
  std::string host;
  double start_unix_time = 0;
  double end_unix_time = 0;
  double late_start_seconds = 0;  // after its --start-at
  uint64_t requests = 0;
  uint64_t failures = 0;
  double requests_per_second = 0;
  int64_t p50_us = 0;
  int64_t p95_us = 0;
  int64_t p99_us = 0;

  bool operator==(const RunPart&) const = default;
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
  // The generators a merged run was made of, in merge order; empty for one generator's run.
  std::vector<RunPart> parts;

  // The value of a setting, or "" when the run has none of that name.
  std::string setting(std::string_view key) const {
    for (const auto& [name, value] : settings) {
      if (name == key) return value;
    }
    return {};
  }

  bool operator==(const RunInfo&) const = default;
};

}  // namespace ragscale::output
