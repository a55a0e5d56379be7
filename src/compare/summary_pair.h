// Reading the two summaries of a comparison, shared by `ragscale compare` and
// `ragscale report --compare`.
//
// Contract: read_summary_pair(base, new, force) reads both files (json_summary.h) and, unless
// force, refuses runs that should not be compared (run_comparison.h, incompatibility()).
// Every failure throws std::runtime_error with one line naming the file, the problem and the
// way out.
#pragma once

#include <string>

#include "load/output/json_summary.h"

namespace ragscale::compare {

struct SummaryPair {
  output::RunSummary base;
  output::RunSummary now;
};

SummaryPair read_summary_pair(const std::string& base_file, const std::string& new_file, bool force);

}  // namespace ragscale::compare
