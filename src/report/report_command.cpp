// `ragscale report RUN.json [MORE.json ...] -o REPORT.html`: renders the HTML report
// from saved JSON summaries. Several summaries (e.g. one per generator host of a
// distributed run) are merged into one report first.
// `ragscale report --compare BASE.json NEW.json -o COMPARE.html`: renders the comparison of
// two runs (report/compare_report.h), judged as `ragscale compare` judges them.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "compare/compare_options.h"
#include "compare/run_comparison.h"
#include "compare/summary_pair.h"
#include "load/output/json_summary.h"
#include "merge/run_merge.h"
#include "report/compare_report.h"
#include "report/html_report.h"

namespace ragscale {

namespace {

constexpr const char* kReportHelp = R"(Usage: ragscale report RUN.json [MORE.json ...] -o REPORT.html
       ragscale report --compare BASE.json NEW.json [--max-regression 10%] [--force] -o COMPARE.html

Renders the HTML report of a load run from the JSON summary that `ragscale load --json`
wrote. Several summaries (one per generator of a distributed run) are merged into one
report. The report is a single file that opens offline in any browser: verdicts, the
diagnosis (as `ragscale diagnose` prints it), requests per name, charts over time, the
target metrics `load --scrape` recorded (on the same time axis) and errors.

With --compare, the page compares two runs as `ragscale compare` does (see its --help):
the verdict, every figure with its change, interval and verdict, and both runs' requests/s,
latency, TTFT and tokens/s over time overlaid on one chart each.

  -o, --output FILE         where to write the report (required)
  --compare                 the two summaries given are a base and a new run to compare
  --max-regression PCT      with --compare: the limit of a worse figure (default 10%)
  --force                   with --compare: compare runs of different targets or scenarios
  -h, --help                this text

Exit codes: 0 written, 2 bad input (missing or malformed summary, unwritable output).
)";

}  // namespace

int run_report_command(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string output;
  bool comparing = false;
  bool force = false;
  compare::CompareSettings settings;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kReportHelp, stdout);
      return 0;
    }
    if (arg == "-o" || arg == "--output") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ragscale report: %s needs a file name, e.g. -o report.html\n", argv[i]);
        return 2;
      }
      output = argv[++i];
    } else if (arg == "--compare") {
      comparing = true;
    } else if (arg == "--force") {
      force = true;
    } else if (arg == "--max-regression") {
      if (i + 1 >= argc) {
        std::fprintf(stderr, "ragscale report: --max-regression needs a percentage, e.g. --max-regression 10%%\n");
        return 2;
      }
      try {
        settings.max_regression_pct = compare::parse_regression_limit(argv[++i]);
      } catch (const std::invalid_argument& error) {
        std::fprintf(stderr, "%s\n", error.what());
        return 2;
      }
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "ragscale report: unknown flag '%s' (see ragscale report --help)\n", argv[i]);
      return 2;
    } else {
      inputs.emplace_back(arg);
    }
  }
  if (inputs.empty() || output.empty()) {
    std::fprintf(stderr, "ragscale report: give the run's JSON summary and an output file: "
                         "ragscale report run.json -o report.html\n");
    return 2;
  }
  if (comparing) {
    if (inputs.size() != 2) {
      std::fprintf(stderr, "ragscale report: --compare takes two summaries, the base and the new run: "
                           "ragscale report --compare base.json new.json -o compare.html\n");
      return 2;
    }
    try {
      const compare::SummaryPair pair = compare::read_summary_pair(inputs[0], inputs[1], force);
      const compare::Comparison comparison = compare::compare_runs(pair.base, inputs[0], pair.now, inputs[1], settings);
      report::write_compare_report_file(output, pair.base, pair.now, comparison);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "ragscale report: %s\n", error.what());
      return 2;
    }
    std::printf("comparison written to %s\n", output.c_str());
    return 0;
  }
  try {
    if (inputs.size() == 1) {
      report::write_html_report_file(output, output::read_json_summary(inputs[0]));
    } else {
      // As ragscale merge merges them: one row per part, thresholds judged on the whole.
      std::vector<merge::MergeInput> parts;
      for (const std::string& input : inputs) parts.push_back({input, output::read_json_summary(input)});
      merge::MergedRun merged = merge::merge_runs(std::move(parts), {});
      for (const auto& warning : merged.warnings) std::fprintf(stderr, "ragscale report: warning: %s\n", warning.c_str());
      report::write_html_report_file(output, merged.summary);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale report: %s\n", error.what());
    return 2;
  }
  std::printf("report written to %s\n", output.c_str());
  return 0;
}

}  // namespace ragscale
