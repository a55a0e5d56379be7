// The files a finished run is written to (--csv, --json, --html), shared by every command that
// ends with a run's statistics: load, load --processes and merge.
#pragma once

#include <optional>
#include <string>

#include "load/output/json_summary.h"
#include "load/scenario/thresholds.h"

namespace ragscale::output {

struct RunOutputPaths {
  std::optional<std::string> csv_prefix;
  bool csv_full_history = false;
  bool csv_precise = false;
  std::optional<std::string> json_file;
  std::optional<std::string> html_file;
};

// Writes each requested file. Throws std::runtime_error naming the file that failed.
void write_run_outputs(const RunOutputPaths& paths, const RunSummary& run);

// The end-of-run "Thresholds" block of the console report; empty when there were none.
std::string format_threshold_verdicts(const scenario::ThresholdEvaluation& evaluation);

}  // namespace ragscale::output
