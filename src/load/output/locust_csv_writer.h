// Locust-compatible CSV reports: PREFIX_stats.csv, PREFIX_stats_history.csv,
// PREFIX_failures.csv and PREFIX_exceptions.csv with Locust 2.12's exact headers, column order
// and meanings (locust/stats.py: StatsCSV / StatsCSVFileWriter), so existing tooling reads them.
//
// Contract:
// - Rows: endpoints sorted by (name, method) as Locust sorts its entries, then the
//   "Aggregated" row with an empty Type. Response times are milliseconds.
// - Whole milliseconds where Locust writes integers, so code that does int(row['95%']) reads
//   them: the percentile columns (in both files), "Median Response Time" and "Total Median
//   Response Time" are the exact values rounded to the nearest millisecond (ties to even, as
//   Python's round()). Locust also coarsens them to 2 significant digits above 100 ms
//   (147 -> 150); ragscale does not. Average, Min and Max stay decimals (Locust's floats;
//   see format_ms()). LocustCsvOptions::precise prints every column with decimals instead
//   (--csv-precise); the JSON summary always holds the exact microseconds.
// - "Request Count" counts every request; "Failure Count" counts failures, including
//   rate-limited responses only when they were configured to count as failures.
// - "Requests/s"/"Failures/s" in the stats file are over the whole run (RunStats duration);
//   in the history file they are the sliding-window "current" rates, printed like Locust's
//   f"{x:2f}". History percentiles are the window's ("N/A" before the first request, as Locust).
// - History rows: only "Aggregated" unless full_history (Locust's --csv-full-history), in which
//   case every endpoint with a request so far comes first, as in Locust.
// - Files use Python csv's dialect: minimal quoting, "\r\n" line ends.
// - write_locust_csv_files() throws std::runtime_error naming the file when it cannot be written.
#pragma once

#include <ostream>
#include <string>

#include "stats/run_stats.h"

namespace ragscale::output {

struct LocustCsvOptions {
  bool full_history = false;
  bool precise = false;  // decimals (format_ms) in the columns Locust writes as integers
};

void write_locust_stats_csv(std::ostream& out, const RunStats& stats, const LocustCsvOptions& options = {});
void write_locust_stats_history_csv(std::ostream& out, const RunStats& stats, const LocustCsvOptions& options = {});
void write_locust_failures_csv(std::ostream& out, const RunStats& stats);
void write_locust_exceptions_csv(std::ostream& out, const RunStats& stats);

// Writes the four files PREFIX_stats.csv, PREFIX_stats_history.csv, PREFIX_failures.csv and
// PREFIX_exceptions.csv.
void write_locust_csv_files(const std::string& prefix, const RunStats& stats, const LocustCsvOptions& options = {});

}  // namespace ragscale::output
