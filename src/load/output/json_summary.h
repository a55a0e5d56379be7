// The JSON run summary (`--json FILE`): every figure of a run, and the reader that loads it back
// so several runs (e.g. one per generator host) can be merged into one RunStats.
//
// Contract:
// - write_json_summary() emits: "format"/"version", "run" (RunInfo plus start/end/duration and
//   peak users), "percentiles", "aggregate" and "endpoints" (totals, run rates, window rates,
//   latency min/max/mean/sum, percentiles p50..p100 and the histogram as sparse
//   [value_us, count] pairs), "errors", "exceptions", "counters" and "history" (one entry per
//   closed second: users, and per endpoint and aggregate requests, failures, rps, fps, the
//   window percentiles and the cumulative figures). All latencies are integer microseconds.
//   Endpoints with streamed answers or SLO verdicts carry "llm" (streams, tokens, SLO counts,
//   derived rates and attainment, and the ttft/itl/tpot/e2e histograms); history rows carry
//   the aggregate's "llm" second (LlmSecond) when it had any. A merged run (ragscale merge,
//   load --processes) ends with "parts": one row per generator (RunPart).
// - read_json_summary() rebuilds RunInfo + RunStats exactly (histograms, totals, errors,
//   counters, history) from a file written by write_json_summary(). Malformed input throws
//   std::runtime_error naming the file and the offending field.
// - merge_summaries() folds one summary into another: RunStats::merge() for the statistics;
//   hosts and settings are kept when equal and joined (" | ") when they differ.
#pragma once

#include <ostream>
#include <string>

#include "load/output/run_info.h"
#include "stats/run_stats.h"

namespace ragscale::output {

struct RunSummary {
  RunInfo info;
  RunStats stats;
};

void write_json_summary(std::ostream& out, const RunInfo& info, const RunStats& stats);
void write_json_summary_file(const std::string& path, const RunInfo& info, const RunStats& stats);

RunSummary parse_json_summary(const std::string& json, const std::string& source_name);
RunSummary read_json_summary(const std::string& path);

void merge_summaries(RunSummary& target, const RunSummary& source);

}  // namespace ragscale::output
