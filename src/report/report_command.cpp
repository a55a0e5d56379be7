// `ragscale report RUN.json [MORE.json ...] -o REPORT.html`: renders the HTML report
// from saved JSON summaries. Several summaries (e.g. one per generator host of a
// distributed run) are merged into one report first.
#include <cstdio>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "load/output/json_summary.h"
#include "report/html_report.h"

namespace ragscale {

namespace {

constexpr const char* kReportHelp = R"(Usage: ragscale report RUN.json [MORE.json ...] -o REPORT.html

Renders the HTML report of a load run from the JSON summary that `ragscale load --json`
wrote. Several summaries (one per generator of a distributed run) are merged into one
report. The report is a single file that opens offline in any browser: verdicts,
requests per name, charts over time and errors.

  -o, --output FILE   where to write the report (required)
  -h, --help          this text

Exit codes: 0 written, 2 bad input (missing or malformed summary, unwritable output).
)";

}  // namespace

int run_report_command(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string output;
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
  try {
    output::RunSummary summary = output::read_json_summary(inputs[0]);
    for (size_t i = 1; i < inputs.size(); ++i) output::merge_summaries(summary, output::read_json_summary(inputs[i]));
    report::write_html_report_file(output, summary);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale report: %s\n", error.what());
    return 2;
  }
  std::printf("report written to %s\n", output.c_str());
  return 0;
}

}  // namespace ragscale
