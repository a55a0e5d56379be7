// Traffic traces for the autoscaling replay: demand in requests/s, one value a second.
//
// - trace_from_stages(): k6-style stages "DUR:RATE", each a linear ramp from the previous
//   rate (0 before the first) to RATE over DUR; "0s:RATE" jumps. E.g. a spike:
//   0s:200 10m:200 30s:2000 5m:2000 30s:200 15m:200.
// - trace_from_diurnal("MIN..MAX/PERIOD"): one period of a day-like curve, lowest at the
//   start and highest half-way: MIN + (MAX − MIN)(1 − cos 2πt/PERIOD)/2.
// - trace_from_run(): the requests completed in each second of a `ragscale load --json`
//   summary (its history), times `scale` (a test at a tenth of production: scale 10).
// Malformed text throws std::invalid_argument naming the text and the expected form.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ragscale::plan {

std::vector<double> trace_from_stages(const std::vector<std::string>& stages);
std::vector<double> trace_from_diurnal(std::string_view text);
std::vector<double> trace_from_run(const std::string& summary_path, double scale);

}  // namespace ragscale::plan
