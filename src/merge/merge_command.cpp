// `ragscale merge A.json B.json ... -o RUN.json`: the JSON summaries of several generators of
// one run (the segments of a distributed run, or independent hosts) as one run, judged again
// on the whole (see merge/run_merge.h).
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/prettywriter.h>

#include "app/commands.h"
#include "common/argument_cursor.h"
#include "common/json_fields.h"
#include "load/output/console_report.h"
#include "load/output/parts_table.h"
#include "load/output/run_outputs.h"
#include "load/run_exit_code.h"
#include "merge/run_merge.h"

namespace ragscale {

namespace {

constexpr const char* kMergeHelp = R"(Usage: ragscale merge PART.json PART.json ... -o RUN.json [options]

Merges the JSON summaries (ragscale load --json) of the generators of one run, e.g. the
segments of a distributed run (load --segment I/N), into the run as if one generator had
made it: counts summed, latency histograms merged exactly (percentiles of the whole run,
not averages of the parts'), time series aligned by wall-clock second, errors and LLM
figures summed, and thresholds judged again on the whole: every part's and --threshold's.
The result is a summary like load's, which ragscale report and ragscale compare read;
its "parts" list (and the report's Parts table) keeps one row per generator.

Segments given twice or overlapping are refused; parts that leave some of the run out are
merged with a warning naming the missing segments.

  -o, --output FILE      the merged JSON summary (required)
      --threshold EXPR   also judge this threshold on the whole run (repeatable, load's
                         syntax, e.g. 'http_req_duration:p(99)<500')
      --csv PREFIX       also write Locust-compatible CSV files of the merged run
      --html FILE        also write the HTML report of the merged run
      --json             print the merge's outcome as JSON on stdout (parts, coverage,
                         totals, verdicts) instead of the tables
  -h, --help             this text

Exit codes: 0 merged and every threshold passed, 1 a threshold failed on the whole run,
2 bad input (missing, malformed or overlapping parts, unwritable output), 3 a part was
aborted by a threshold.
)";

struct MergeOptions {
  std::vector<std::string> inputs;
  std::string output;
  std::vector<scenario::Threshold> thresholds;
  output::RunOutputPaths paths;
  bool json = false;
};

MergeOptions parse_merge_options(int argc, char** argv) {
  MergeOptions options;
  ArgumentCursor cursor(argc, argv, "merge");
  while (cursor.next()) {
    const std::string_view flag = cursor.flag();
    if (flag == "-o" || flag == "--output") options.output = std::string(cursor.value());
    else if (flag == "--threshold") options.thresholds.push_back(scenario::parse_threshold_cli(cursor.value()));
    else if (flag == "--csv") options.paths.csv_prefix = std::string(cursor.value());
    else if (flag == "--html") options.paths.html_file = std::string(cursor.value());
    else if (flag == "--json") options.json = true;
    else if (!flag.empty() && flag.front() == '-' && flag.size() > 1) {
      throw std::invalid_argument("unknown option '" + std::string(flag) + "' (see ragscale merge --help)");
    } else {
      options.inputs.emplace_back(cursor.current());
    }
  }
  if (options.output.empty()) throw std::invalid_argument("-o RUN.json is required: where to write the merged run");
  if (options.inputs.empty()) throw std::invalid_argument("give the JSON summaries to merge, e.g. part-0.json part-1.json");
  options.paths.json_file = options.output;
  return options;
}

void print_json(const merge::MergedRun& merged, const std::string& output) {
  rapidjson::OStreamWrapper stream(std::cout);
  rapidjson::PrettyWriter<rapidjson::OStreamWrapper> json(stream);
  const RunStats& stats = merged.summary.stats;
  json.StartObject();
  put_field(json, "output", output);
  put_field(json, "coverage", merged.coverage);
  put_field(json, "requests", stats.aggregate().requests());
  put_field(json, "failures", stats.aggregate().failures());
  put_field(json, "requests_per_s", stats.requests_per_second(stats.aggregate()));
  put_field(json, "p50_ms", static_cast<double>(stats.aggregate().latency().percentile(50)) / 1000.0);
  put_field(json, "p95_ms", static_cast<double>(stats.aggregate().latency().percentile(95)) / 1000.0);
  put_field(json, "p99_ms", static_cast<double>(stats.aggregate().latency().percentile(99)) / 1000.0);
  json.Key("parts");
  json.StartArray();
  for (const auto& part : merged.summary.info.parts) {
    json.StartObject();
    put_field(json, "source", part.source);
    put_field(json, "segment", part.segment);
    put_field(json, "requests", part.requests);
    put_field(json, "failures", part.failures);
    put_field(json, "late_start_s", part.late_start_seconds);
    json.EndObject();
  }
  json.EndArray();
  json.Key("thresholds");
  json.StartArray();
  for (const auto& result : merged.thresholds.results) {
    json.StartObject();
    put_field(json, "expression", result.expression);
    put_field(json, "passed", result.passed);
    put_field(json, "observed", result.has_data ? std::optional<double>(result.observed) : std::nullopt);
    json.EndObject();
  }
  json.EndArray();
  json.Key("warnings");
  json.StartArray();
  for (const auto& warning : merged.warnings) json.String(warning);
  json.EndArray();
  put_field(json, "passed", merged.thresholds.all_passed() && !merged.aborted);
  json.EndObject();
  std::cout << "\n";
}

}  // namespace

int run_merge_command(int argc, char** argv) {
  for (int i = 1; i < argc; ++i) {
    if (std::string_view(argv[i]) == "-h" || std::string_view(argv[i]) == "--help") {
      std::fputs(kMergeHelp, stdout);
      return 0;
    }
  }
  merge::MergedRun merged;
  MergeOptions options;
  try {
    options = parse_merge_options(argc, argv);
    std::vector<merge::MergeInput> inputs;
    for (const std::string& path : options.inputs) inputs.push_back({path, output::read_json_summary(path)});
    merged = merge::merge_runs(std::move(inputs), options.thresholds);
    output::write_run_outputs(options.paths, merged.summary);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale merge: %s\n", error.what());
    return load::kExitBadInput;
  }
  for (const auto& warning : merged.warnings) std::fprintf(stderr, "ragscale merge: warning: %s\n", warning.c_str());
  if (options.json) {
    print_json(merged, options.output);
  } else {
    std::fputs(output::format_end_of_run_report(merged.summary.stats).c_str(), stdout);
    std::fputs(output::format_parts_table(merged.summary.info.parts).c_str(), stdout);
    std::fputs(output::format_threshold_verdicts(merged.thresholds).c_str(), stdout);
    std::printf("\nmerged %zu parts into %s\n", merged.summary.info.parts.size(), options.output.c_str());
  }
  return load::run_exit_code(merged.aborted, merged.thresholds.all_passed(), false);
}

}  // namespace ragscale
