// The end-of-run console tables: Locust's printed stats and percentile tables and its error
// report, but with exact millisecond values (format_ms) instead of Locust's rounded integers.
//
// Contract: each function returns complete lines ending in '\n'. Endpoints are in report order
// (name, method) followed by the "Aggregated" row; rates are over the whole run.
// format_error_table() returns "" when there were no errors.
#pragma once

#include <string>

#include "stats/run_stats.h"

namespace ragscale::output {

std::string format_stats_table(const RunStats& stats);
std::string format_percentile_table(const RunStats& stats);
std::string format_error_table(const RunStats& stats);
// Streamed answers (TTFT, ITL, TPOT, tokens/s) and SLOs (goodput, attainment); "" when
// the run had neither (see load/llm/llm_summary.h).
std::string format_llm_table(const RunStats& stats);
// The tables (stats, percentiles, LLM when any, errors), separated by blank lines.
// Retried attempts per request name (only those with any) and in all; "" when none.
std::string format_retry_table(const RunStats& stats);
// The tables, separated by blank lines (the retry and error tables only when not empty).
std::string format_end_of_run_report(const RunStats& stats);

}  // namespace ragscale::output
