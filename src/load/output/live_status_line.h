// The one-line live status printed while a run is in progress.
//
// Contract: returns one line without a trailing newline, e.g.
//   "[#######.............]  35% 00:21/01:00 | users 50 | 12345.6 req/s | p50 1.23 ms
//    p95 4.56 ms p99 9.87 ms | errors 0.12%"
// Rates, percentiles and the error percentage are over the sliding window (the last
// EndpointStats::kWindowSeconds closed seconds) of the aggregate. The progress bar and
// percentage appear only when the run has a planned duration; elapsed beyond it is clamped to 100%.
#pragma once

#include <optional>
#include <string>

#include "stats/run_stats.h"

namespace ragscale::output {

struct LiveStatus {
  double elapsed_seconds = 0;
  int users = 0;
  std::optional<double> planned_duration_seconds;  // nullopt: open-ended run, no progress bar
  int bar_width = 20;
};

std::string format_live_status(const RunStats& stats, const LiveStatus& status);

// "00:21", "01:00:05" for runs of an hour or more.
std::string format_clock(double seconds);

}  // namespace ragscale::output
