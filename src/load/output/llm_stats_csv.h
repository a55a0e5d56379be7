// PREFIX_llm_stats.csv: the streamed-answer and SLO figures of a run, Locust-style: one row
// per request name with LLM figures, then "Aggregated" (empty Type), as locust_csv_writer.
//
// Columns: Type, Name, Request Count, Failure Count, Stream Count (model answers measured:
// streams and whole_answer replies), then for TTFT, ITL,
// TPOT and E2E the 50%, 90%, 95%, 99% and Max in milliseconds with 3 decimals (exact, not
// rounded like Locust's percentiles), Output Tokens, Output Tokens/s, Output Tokens/s per
// User, Goodput/s, SLO Attainment % and its 95% Wilson interval (CI Low %, CI High %;
// empty when no --slo was given). Figures as defined in load/llm/llm_summary.h.
//
// write_llm_stats_csv_file() writes nothing and returns false when the run had no LLM
// figures; it throws std::runtime_error naming the file when it cannot be written.
#pragma once

#include <ostream>
#include <string>

#include "stats/run_stats.h"

namespace ragscale::output {

void write_llm_stats_csv(std::ostream& out, const RunStats& stats);
bool write_llm_stats_csv_file(const std::string& prefix, const RunStats& stats);

}  // namespace ragscale::output
