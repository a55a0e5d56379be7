// LoadOptions: everything a `ragscale load` run is told on its command line, before it
// is merged with a scenario file's `load:` section and a --profile preset (see
// load_plan.h). Unset optionals mean "not given", so a flag can override a file and a
// file can override a preset.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "load/load_shape.h"
#include "load/segment/execution_segment.h"

namespace ragscale::load {

struct LoadOptions {
  // Target and scenario.
  std::optional<std::string> url;   // positional URL: quick mode, or the host with -f
  std::optional<std::string> host;  // -H/--host: base URL overriding the file's host
  std::optional<std::string> scenario_file;
  // https targets: accept any certificate, or trust only this PEM file's CAs.
  bool insecure = false;
  std::optional<std::string> ca_file;

  // Quick mode (no file): one task, one request.
  std::string method = "GET";
  std::vector<std::pair<std::string, std::string>> headers;
  std::optional<std::string> body;
  std::optional<std::string> wait;  // "0", "1s", "1s..3s"

  // Shape.
  std::optional<std::string> profile;
  std::optional<double> users;
  std::optional<double> spawn_rate;
  std::optional<std::chrono::microseconds> run_time;
  std::vector<Stage> stages;
  std::optional<double> rate;  // open model: iterations per second
  std::vector<Stage> rate_stages;
  std::optional<uint64_t> max_in_flight;
  std::optional<uint64_t> iterations;
  std::optional<uint64_t> burst_requests;
  std::optional<std::chrono::microseconds> burst_window;
  std::optional<std::string> arrivals;  // constant | poisson | gamma
  std::optional<double> burstiness;     // gamma shape

  // OpenAI quick mode (--openai): benchmark an OpenAI-compatible endpoint.
  std::optional<std::string> openai_url;
  std::optional<std::string> model;
  std::optional<std::string> prompts_file;
  std::optional<std::string> input_tokens;  // a distribution, e.g. normal(200,50)
  std::optional<uint64_t> max_tokens;
  bool no_stream = false;
  std::optional<std::string> api_key_env;  // default OPENAI_API_KEY

  // Service-level objectives judged per request (goodput), e.g. "ttft<500ms".
  std::vector<std::string> slos;

  // Execution.
  std::optional<int> threads;
  // Distributed runs: this generator's share of the run, when to start (Unix seconds, so
  // every segment's seconds line up), and how many local generator processes to run.
  std::optional<ExecutionSegment> segment;
  std::optional<double> start_at;
  std::optional<int> processes;
  std::optional<std::string> local_ips;
  bool dry_run = false;  // check everything, print the plan, send nothing
  std::optional<std::chrono::microseconds> request_timeout;  // overrides the scenario's
  std::chrono::microseconds stop_timeout{std::chrono::seconds(10)};
  std::optional<uint64_t> seed;

  // Verdicts and outputs.
  std::vector<std::string> thresholds;
  std::optional<std::string> csv_prefix;
  bool csv_full_history = false;
  bool csv_precise = false;  // decimals where Locust writes whole milliseconds
  std::optional<std::string> json_file;
  std::optional<std::string> html_file;
  bool quiet = false;

  // --web HOST:PORT: the live dashboard's address (port 0 picks a free one).
  struct WebAddress {
    std::string host;
    uint16_t port = 0;
  };
  std::optional<WebAddress> web;
  std::vector<std::string> scrape_urls;  // Prometheus /metrics endpoints sampled during the run
  std::chrono::milliseconds scrape_interval{1000};
};

// Parses `ragscale load` arguments (argv[0] is "load"). Throws std::invalid_argument with
// one line naming the flag, what is wrong and how to fix it.
LoadOptions parse_load_options(int argc, char** argv);

// The --help text.
const char* load_help_text();

}  // namespace ragscale::load
