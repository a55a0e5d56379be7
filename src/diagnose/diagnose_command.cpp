// `ragscale diagnose RUN.json [MORE.json ...] [--format text|json]`: what limited a load run,
// from its JSON summary (and the target metrics `ragscale load --scrape` recorded in it).
#include <cstdio>
#include <iostream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "app/commands.h"
#include "diagnose/diagnosis.h"

namespace ragscale {
namespace {

constexpr const char* kDiagnoseHelp = R"(Usage: ragscale diagnose RUN.json [MORE.json ...] [--format text|json]

Says what limited a load run, with evidence: ranked findings, each naming the series it
rests on, when and how much, and what to do. Rules: the generator saturated (its CPU, its
event loops' lag, late arrivals), a target CPU-bound (>= 85% of its cores), throughput
plateaued while users or latency grew (Little's law, and which of the target's queues
filled: generation slots, worker threads, model calls, in-flight requests, connections),
rate limiting (429s), a low cache hit rate (< 60%), memory growth, error bursts, and the
time to recover from each latency spike or outage. Rules that need the target's metrics
read what `ragscale load --scrape URL` recorded; that run prints its diagnosis at its end.
Several summaries (one per generator) are merged first.

      --format F   text (default) or json
  -h, --help       this text

Exit codes: 0 diagnosed (findings or none), 2 bad input.
)";

}  // namespace

int run_diagnose_command(int argc, char** argv) {
  std::vector<std::string> inputs;
  std::string format = "text";
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kDiagnoseHelp, stdout);
      return 0;
    }
    if (arg == "--format") {
      if (i + 1 >= argc || (std::string_view(argv[i + 1]) != "text" && std::string_view(argv[i + 1]) != "json")) {
        std::fprintf(stderr, "ragscale diagnose: --format: give text or json\n");
        return 2;
      }
      format = argv[++i];
    } else if (arg.size() > 1 && arg[0] == '-') {
      std::fprintf(stderr, "ragscale diagnose: unknown flag '%s' (see ragscale diagnose --help)\n", argv[i]);
      return 2;
    } else {
      inputs.emplace_back(arg);
    }
  }
  if (inputs.empty()) {
    std::fprintf(stderr, "ragscale diagnose: give a run's JSON summary: ragscale diagnose run.json "
                         "(ragscale load --json run.json --scrape URL writes one)\n");
    return 2;
  }
  try {
    output::RunSummary summary = output::read_json_summary(inputs[0]);
    for (size_t i = 1; i < inputs.size(); ++i) output::merge_summaries(summary, output::read_json_summary(inputs[i]));
    const diagnose::Diagnosis diagnosis = diagnose::diagnose_run(diagnose::RunEvidence(std::move(summary)));
    if (format == "json") diagnose::write_diagnosis_json(std::cout, diagnosis);
    else diagnose::write_diagnosis_text(std::cout, diagnosis);
    return 0;
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale diagnose: %s\n", error.what());
    return 2;
  }
}

}  // namespace ragscale
