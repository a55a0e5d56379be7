// merge_runs(): the summaries of several generators of one run (segments of a distributed
// run, or independent hosts) as if one generator had made the run.
//
// Contract:
// - Counts, histograms, errors, counters and LLM figures add up exactly (percentiles are the
//   whole run's, not averages of the parts'); history rows are aligned by wall-clock second.
// - Each input becomes a RunPart row (its segment, host, requests, failures, rate and
//   percentiles); an input that is itself a merged run brings its own rows.
// - Segments that overlap (the same segment twice, or 0/2 with 0:1/4) are refused with
//   std::invalid_argument naming both files; parts that leave some of [0, 1) uncovered are
//   merged with a warning naming what is missing.
// - Thresholds are judged again on the whole run: every part's expressions (once each) and
//   `extra` (merge's --threshold); the parts' own verdicts are replaced.
#pragma once

#include <string>
#include <vector>

#include "load/output/json_summary.h"
#include "load/scenario/thresholds.h"

namespace ragscale::merge {

struct MergeInput {
  std::string source;  // file name, for messages and the part rows
  output::RunSummary summary;
};

struct MergedRun {
  output::RunSummary summary;
  scenario::ThresholdEvaluation thresholds;
  double coverage = 0;  // the share of the run the segments cover (1 = all); 1 when none named one
  std::vector<std::string> warnings;
  bool aborted = false;  // a part was stopped by an abort_on_fail threshold
};

MergedRun merge_runs(std::vector<MergeInput> inputs, const std::vector<scenario::Threshold>& extra);

// The part row of one generator's summary.
output::RunPart part_of(const std::string& source, const output::RunSummary& summary);

}  // namespace ragscale::merge
