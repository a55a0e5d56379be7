#include "load/output/run_outputs.h"

#include "load/output/llm_stats_csv.h"
#include "load/output/locust_csv_writer.h"
#include "load/output/number_format.h"
#include "report/html_report.h"

namespace ragscale::output {

void write_run_outputs(const RunOutputPaths& paths, const RunSummary& run) {
  if (paths.csv_prefix) {
    LocustCsvOptions csv_options;
    csv_options.full_history = paths.csv_full_history;
    csv_options.precise = paths.csv_precise;
    write_locust_csv_files(*paths.csv_prefix, run.stats, csv_options);
    write_llm_stats_csv_file(*paths.csv_prefix, run.stats);
  }
  if (paths.json_file) write_json_summary_file(*paths.json_file, run.info, run.stats);
  if (paths.html_file) report::write_html_report_file(*paths.html_file, run);
}

std::string format_threshold_verdicts(const scenario::ThresholdEvaluation& evaluation) {
  if (evaluation.results.empty()) return {};
  std::string text = "\nThresholds\n";
  for (const auto& result : evaluation.results) {
    std::string observed = result.has_data ? format_decimal(result.observed, 3) : "no data";
    char line[256];
    std::snprintf(line, sizeof line, "  %s %-50s observed %s\n", result.passed ? "PASS" : "FAIL",
                  result.expression.c_str(), observed.c_str());
    text += line;
  }
  return text;
}

}  // namespace ragscale::output
