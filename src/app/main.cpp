// ragscale: one binary, one subcommand per job.
#include <cstdio>
#include <cstring>
#include <string>
#include <string_view>

#include "app/commands.h"

namespace {

struct Subcommand {
  const char* name;
  const char* summary;
  int (*run)(int, char**);
};

constexpr Subcommand kSubcommands[] = {
    {"load", "generate load: users, tasks, think time, stages, arrival rates, thresholds, reports",
     ragscale::run_load_command},
    {"serve", "run the RAG service built for load (query, search, upload, probes, metrics)",
     ragscale::run_serve_command},
    {"sim", "run an OpenAI-compatible LLM and embedding backend with realistic timing and faults",
     ragscale::run_sim_command},
    {"report", "render the HTML report of a load run from its JSON summary (merging several)",
     ragscale::run_report_command},
    {"merge", "merge the JSON summaries of a distributed run's generators into one run, judged again",
     ragscale::run_merge_command},
    {"compare", "compare two runs' JSON summaries: per figure change, confidence interval and verdict",
     ragscale::run_compare_command},
    {"ingest", "upload a folder of documents to a running service and wait until they are searchable",
     ragscale::run_ingest_command},
    {"diagnose", "say what limited a load run, with evidence from its summary and the target's scraped metrics",
     ragscale::run_diagnose_command},
    {"plan", "replicas for a demand, growth, the scalability law, and an autoscaler replayed on a trace",
     ragscale::run_plan_command},
    {"demo", "run a RAG service under load end to end and report on it (what make demo runs)",
     ragscale::run_demo_command},
    {"capacity", "find the highest load a target sustains within its SLOs (geometric growth, then bisection)",
     ragscale::run_capacity_command},
    {"cluster", "a local cluster: replicas behind HAProxy over shared PostgreSQL and Redis (up, status, scale, down)",
     ragscale::run_cluster_command},
};

void print_usage(FILE* out) {
  std::fprintf(out,
               "ragscale - load-test, serve and scale retrieval-augmented generation services\n\n"
               "Usage: ragscale <command> [options]\n\nCommands:\n");
  for (const auto& sub : kSubcommands) std::fprintf(out, "  %-8s %s\n", sub.name, sub.summary);
  std::fprintf(out,
               "\nRun 'ragscale <command> --help' for the options of a command.\n"
               "Example: ragscale load http://127.0.0.1:8080/ -u 64 -r 64 -t 10s --wait 0\n");
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    print_usage(stderr);
    return 2;
  }
  std::string_view command = argv[1];
  if (command == "--help" || command == "-h" || command == "help") {
    print_usage(stdout);
    return 0;
  }
  if (command == "--version") {
    std::printf("ragscale 0.1.0\n");
    return 0;
  }
  for (const auto& sub : kSubcommands) {
    if (command == sub.name) return sub.run(argc - 1, argv + 1);
  }
  std::string names;
  for (const auto& sub : kSubcommands) names += std::string(names.empty() ? "" : ", ") + sub.name;
  std::fprintf(stderr, "ragscale: unknown command '%s'; the commands are %s (see ragscale --help)\n", argv[1],
               names.c_str());
  return 2;
}
