// `ragscale demo` (what `make demo` runs): the whole system working, in about three
// minutes on two cores. Starts ragscale sim as the language model and ragscale serve
// using it, loads the sample corpus, runs the smoke test and then the steady traffic mix
// of the test plan, and prints a short verdict and where the reports are. Every process
// it started is stopped at the end, also on Ctrl-C or a failure.
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <memory>
#include <regex>
#include <stdexcept>
#include <string>
#include <vector>

#include "app/commands.h"
#include "common/self_executable.h"
#include "demo/child_process.h"
#include "ingest_client/folder_upload.h"
#include "load/output/json_summary.h"
#include "load/output/number_format.h"

namespace ragscale {

namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr const char* kDemoHelp = R"(Usage: ragscale demo [--out DIR] [--quick]

Runs a RAG service under load and reports on it: ragscale sim plays the language model
(300 ms to the first token, about 30 tokens/s, a requests-per-minute limit), ragscale serve
answers from the sample corpus (corpus/documents) through it, then ragscale load runs the
smoke test (scenarios/smoke.yaml) and the steady traffic mix (scenarios/steady-mix.yaml).
Prints a verdict; writes HTML reports, Locust-compatible CSVs and JSON summaries to DIR.

  --out DIR    where the reports go (default out/demo)
  --quick      a few seconds per test instead of minutes (for a quick check)
  -h, --help   this text

Exit codes: 0 every threshold held, 1 a threshold failed, 2 bad input or a part did not
start, 130 interrupted.
)";

std::atomic<bool> g_interrupted{false};

extern "C" void on_interrupt(int) { g_interrupted = true; }

// The repository folder that holds `relative`: the working folder or above the binary.
fs::path find_shipped(const std::string& relative, const fs::path& binary) {
  for (fs::path base : {fs::current_path(), binary.parent_path().parent_path(), binary.parent_path()}) {
    if (fs::exists(base / relative)) return fs::canonical(base / relative);
  }
  throw std::runtime_error("cannot find " + relative + "; run the demo from the ragscale folder");
}

uint16_t port_from(const std::string& line) {
  std::smatch match;
  static const std::regex port(R"(:(\d+))");
  std::string::const_iterator from = line.begin();
  uint16_t last = 0;
  while (std::regex_search(from, line.end(), match, port)) {
    last = static_cast<uint16_t>(std::stoi(match[1]));
    from = match[0].second;
  }
  return last;
}

struct Stage {
  const char* title;
  std::string scenario;
  std::vector<std::string> flags;
  std::string prefix;
};

void print_verdict_line(const std::string& title, const std::string& json_path, int exit_code) {
  std::string verdict = exit_code == 0 ? "PASS" : exit_code == 1 ? "FAIL (a threshold did not hold)"
                                              : exit_code == 130 ? "INTERRUPTED" : "ERROR";
  try {
    output::RunSummary summary = output::read_json_summary(json_path);
    const auto& aggregate = summary.stats.aggregate();
    std::printf("  %-11s %s: %llu requests, %s req/s, p95 %s ms, errors %s%%\n", title.c_str(), verdict.c_str(),
                static_cast<unsigned long long>(aggregate.requests()),
                output::format_decimal(summary.stats.duration_seconds() > 0
                                           ? double(aggregate.requests()) / summary.stats.duration_seconds()
                                           : 0.0,
                                       1)
                    .c_str(),
                output::format_ms(double(aggregate.latency().percentile(95))).c_str(),
                output::format_decimal(aggregate.failure_ratio() * 100, 2).c_str());
    for (const auto& threshold : summary.info.thresholds) {
      std::printf("              %s %s\n", threshold.passed ? "pass" : "FAIL", threshold.expression.c_str());
    }
  } catch (const std::exception&) {
    std::printf("  %-11s %s (no summary written)\n", title.c_str(), verdict.c_str());
  }
}

}  // namespace

int run_demo_command(int argc, char** argv) {
  fs::path out = "out/demo";
  bool quick = false;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(kDemoHelp, stdout);
      return 0;
    } else if (arg == "--out" && i + 1 < argc) {
      out = argv[++i];
    } else if (arg == "--quick") {
      quick = true;
    } else {
      std::fprintf(stderr, "ragscale demo: unknown argument '%s' (see ragscale demo --help)\n", arg.c_str());
      return 2;
    }
  }

  struct sigaction action {};
  action.sa_handler = on_interrupt;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);

  const auto started = std::chrono::steady_clock::now();
  std::unique_ptr<demo::ChildProcess> sim, serve;
  int smoke_exit = 2, load_exit = 2;
  try {
    const fs::path binary = self_executable();
    const fs::path corpus = find_shipped("corpus/documents", binary);
    const fs::path scenarios = find_shipped("scenarios", binary);
    fs::create_directories(out);
    out = fs::canonical(out);
    fs::remove_all(out / "data");  // a fresh service every time

    std::printf("ragscale demo: a RAG service under load (outputs in %s)\n\n", out.c_str());
    std::printf("1. ragscale sim as the language model: 300 ms to first token, ~30 tokens/s, 3000 requests/min\n");
    sim = std::make_unique<demo::ChildProcess>(
        std::vector<std::string>{binary, "sim", "--port", "0", "--ttft", "300ms", "--itl", "33ms", "--output-tokens",
                                 "uniform(8, 16)", "--rpm", "3000", "--max-concurrency", "64"},
        (out / "sim.log").string());
    auto sim_line = sim->wait_for_line("listening on", 10s);
    if (!sim_line) throw std::runtime_error("ragscale sim did not start; see " + (out / "sim.log").string());
    const std::string sim_url = "http://127.0.0.1:" + std::to_string(port_from(*sim_line));

    std::printf("2. ragscale serve answering through it (hybrid retrieval, built-in embedder, cache)\n");
    serve = std::make_unique<demo::ChildProcess>(
        std::vector<std::string>{binary, "serve", "--port", "0", "--data", (out / "data").string(), "--llm-url",
                                 sim_url},
        (out / "serve.log").string());
    auto serve_line = serve->wait_for_line("listening on", 20s);
    if (!serve_line) throw std::runtime_error("ragscale serve did not start; see " + (out / "serve.log").string());
    const uint16_t serve_port = port_from(*serve_line);
    const std::string serve_url = "http://127.0.0.1:" + std::to_string(serve_port);

    std::printf("3. loading the sample corpus (%s)\n", corpus.c_str());
    ingest_client::UploadSettings upload;
    upload.address = net::resolve("127.0.0.1", serve_port);
    upload.host_header = "127.0.0.1:" + std::to_string(serve_port);
    upload.ready_timeout = 60s;
    auto outcomes = ingest_client::upload_folder(documents_in(corpus), upload, {});
    size_t ready = 0;
    for (const auto& outcome : outcomes) ready += outcome.ready ? 1 : 0;
    std::printf("   %zu of %zu documents ready to search\n", ready, outcomes.size());
    if (ready != outcomes.size()) throw std::runtime_error("the corpus did not load; see " + (out / "serve.log").string());

    const std::vector<Stage> stages = {
        {"smoke test", (scenarios / "smoke.yaml").string(),
         {"-u", "10", "-r", "10", "-t", quick ? "4s" : "30s"}, "smoke"},
        {"load test", (scenarios / "steady-mix.yaml").string(),
         {"-u", quick ? "20" : "60", "-r", "10", "-t", quick ? "6s" : "2m"}, "load"},
    };
    int* exits[] = {&smoke_exit, &load_exit};
    for (size_t i = 0; i < stages.size() && !g_interrupted; ++i) {
      const Stage& stage = stages[i];
      std::printf("\n%zu. %s: %s\n\n", i + 4, stage.title, fs::path(stage.scenario).filename().c_str());
      std::fflush(stdout);
      std::vector<std::string> command = {binary, "load", "-f", stage.scenario, "-H", serve_url};
      command.insert(command.end(), stage.flags.begin(), stage.flags.end());
      for (const char* kind : {"--csv", "--json", "--html"}) {
        std::string suffix = std::string(kind) == "--csv" ? "" : std::string(kind) == "--json" ? ".json" : ".html";
        command.push_back(kind);
        command.push_back((out / (stage.prefix + suffix)).string());
      }
      ::setenv("RAGSCALE_SIM_URL", sim_url.c_str(), 1);
      *exits[i] = demo::run_to_completion(command);
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale demo: %s\n", error.what());
    return 2;  // the children are stopped by their destructors
  }
  serve->stop();
  sim->stop();

  const double minutes =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count() / 60.0;
  std::printf("\nVerdict (%.1f minutes)\n", minutes);
  print_verdict_line("smoke test", (out / "smoke.json").string(), smoke_exit);
  print_verdict_line("load test", (out / "load.json").string(), load_exit);
  std::printf("\nReports: %s/smoke.html and %s/load.html (open in a browser);\n", out.c_str(), out.c_str());
  std::printf("Locust-compatible CSVs and JSON summaries beside them; service logs in serve.log and sim.log.\n");
  if (g_interrupted) return 130;
  return (smoke_exit == 0 && load_exit == 0) ? 0 : (smoke_exit == 2 || load_exit == 2 ? 2 : 1);
}

}  // namespace ragscale
