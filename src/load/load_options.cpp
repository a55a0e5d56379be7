#include "load/load_options.h"

#include <charconv>
#include <cstring>
#include <stdexcept>
#include <string_view>

#include "common/argument_cursor.h"
#include "common/duration.h"
#include "common/flag_values.h"
#include "load/segment/start_time.h"

namespace ragscale::load {

const char* load_help_text() {
  return R"(Usage: ragscale load [URL] [-f SCENARIO.yaml] [options]

Generates load with Locust's model (users running weighted tasks with think time), k6's
load shapes and thresholds, and Locust-compatible output. Quick mode needs only a URL:
  ragscale load http://127.0.0.1:8080/ -u 64 -r 64 -t 10s --wait 0

Target and scenario
  URL                     target; in quick mode every user GETs it; with -f it is the host
  -f, --file FILE         scenario file (YAML): user classes, tasks, requests, checks,
                          data, load shape and thresholds (docs/scenario-format.md)
  -H, --host URL          base URL, overriding the file's host
  -X, --method METHOD     quick mode: request method (default GET)
      --header 'K: V'     quick mode: add a request header (repeatable)
      --body TEXT         quick mode: request body
      --wait W            quick mode think time: 0, 1s (constant) or 1s..3s (random
                          between); default 0

OpenAI-compatible endpoints (no scenario file; streamed answers measured)
      --openai URL        benchmark URL's chat completions (http://h:p, http://h:p/v1 or
                          the full .../chat/completions); every user POSTs a prompt
      --model NAME        the model to ask for (required with --openai)
      --prompts FILE      prompts, one a line, or JSONL with "prompt" or "messages"
      --input-tokens DIST synthetic prompt lengths when no --prompts: 200,
                          normal(200,50), uniform(100,300), lognormal(200,80) (default 128)
      --max-tokens N      max_tokens sent with every request (default: the server's)
      --no-stream         ask for whole answers instead of streams
      --api-key-env NAME  send the key in environment variable NAME as a Bearer token
                          (default OPENAI_API_KEY; nothing is sent when it is unset)

HTTPS (https:// URLs and hosts; default port 443)
      --ca-file FILE      trust the CA certificates in this PEM file instead of the
                          system store (e.g. a test server's self-signed certificate)
      --insecure          do not verify the server's certificate or name

Closed model (concurrent users)
  -u, --users N           peak number of concurrent users
  -r, --spawn-rate N      users started per second (default: the user count, so all
                          start within the first second)
      --stage DUR:N       ramp linearly to N users over DUR; repeatable (k6 stages)
  -t, --run-time DUR      stop after DUR (e.g. 30s, 10m, 1h30m)

Open model (arrival rate; latency corrected for coordinated omission)
      --rate N            start N iterations per second
      --rate-stage DUR:N  ramp the rate linearly to N over DUR; repeatable
      --max-in-flight N   bound on concurrent iterations (default 1000); arrivals beyond it
                          wait in a backlog of the same size, then count as dropped
      --burst N/DUR       N requests spread over DUR (e.g. 1000/30s), then stop
      --arrivals KIND     constant (evenly spaced, default), poisson, or gamma
      --burstiness F      gamma arrivals' shape: 1 = Poisson, < 1 burstier, > 1 steadier
                          (vLLM benchmark_serving's burstiness)

Run bounds and presets
      --iterations N      stop after N iterations (tasks) in all
      --profile NAME      smoke | load | stress | spike | soak | burst (the test types;
                          flags and the file's load: section override the preset)
      --stop-timeout DUR  at the end or on Ctrl-C, wait this long for requests in flight
                          (default 10s)
      --timeout DUR       per-request timeout (default 60s)
      --threads N         event-loop threads (default: the CPUs this process may use)
      --seed N            random seed, for reproducible task choice and data
      --local-ips LIST    source addresses to spread connections over, round robin:
                          10.0.0.1,10.0.0.5-10.0.0.9 (default: the kernel's choice;
                          toward 127.x targets, 127.0.0.2+ after every 10,000 connections)

Distributed runs (docs/distributed.md)
      --segment I/N       run only this generator's exact share of the run: the I-th of N
                          equal parts (0/4 .. 3/4), or A:B as fractions of the whole
                          (0:1/4, 1/4:1/2, 50%:100%, k6's execution segments). Users,
                          arrivals, iterations, bursts and unique(src) data rows are
                          divided so the segments add up exactly to the whole run; merge
                          their --json summaries with ragscale merge. Segments share one
                          arrival schedule, so give them the same --seed (a fixed one is
                          used when none is given)
      --segment-sequence S  the cut points of all the run's segments, e.g. 0,1/4,1/2,1, when
                          they are not N equal parts or one segment and the rest: every
                          generator of the run gives the same one (k6's sequence)
      --start-at TIME     start at TIME: RFC 3339 (2026-12-02T15:00:00Z) or +DUR from now,
                          so every segment's clock and seconds line up; a generator that
                          starts late says by how much
      --processes P       run P local generator processes (segments 0/P..P-1/P), each on
                          its share of the CPUs, and report their merged run: for targets
                          faster than one process can drive

Verdicts and output
      --threshold EXPR    pass/fail criterion, k6 syntax, repeatable:
                          'http_req_duration:p(95)<500', 'http_req_failed:rate<0.01',
                          'http_req_duration{name:/query}:p(99)<2000',
                          append ';abort_on_fail;delay=10s' to stop a run that fails it
      --slo 'METRIC<DUR'  a per-request objective, repeatable: ttft, itl (the request's
                          largest gap), tpot, e2e or latency, e.g. --slo 'ttft<500ms'
                          --slo 'tpot<50ms'; the summary reports goodput (good requests/s)
                          and SLO attainment with its 95% Wilson interval
                          LLM thresholds: 'ttft:p(95)<500', 'itl:p(99)<100', 'tpot:avg<50',
                          'e2e:p(99)<10000', 'output_tokens:rate>20', 'goodput:rate>5',
                          'slo_attainment:rate>0.95' (times in ms)
      --csv PREFIX        Locust-compatible PREFIX_stats.csv, PREFIX_stats_history.csv,
                          PREFIX_failures.csv, PREFIX_exceptions.csv, and
                          PREFIX_llm_stats.csv when the run streamed answers or had --slo
      --csv-full-history  history rows for every request name, not only the aggregate
      --csv-precise       percentiles and medians with decimals (e.g. 0.075); by default
                          they are whole milliseconds as Locust writes them (the JSON
                          summary always has the exact values)
      --json FILE         summary with every figure, time series and histograms
      --html FILE         self-contained HTML report (ragscale report renders one later)
      --scrape URL        sample a Prometheus /metrics endpoint (e.g. ragscale serve's or
                          sim's) during the run, repeatable: gauges, counters as rates,
                          histograms as p50/p95/p99 per interval, with the generator's own
                          CPU use and event-loop lag, into the JSON summary's "scrape"
                          section; the run ends with its diagnosis (ragscale diagnose)
      --scrape-interval D how often to scrape (default 1s, at least 100ms)
      --dry-run           check the flags and the scenario, print the plan, send nothing
  -q, --quiet             no live status line (and, with --scrape, no end-of-run diagnosis)
      --web HOST:PORT     serve a live dashboard while the run goes (e.g. 127.0.0.1:8089;
                          port 0 picks a free one): users, requests/s, failures/s and
                          latency charts updating every second, the per-name table, and a
                          Stop button that ends the run as Ctrl-C does (exit 130, results
                          written). Binds only that address; the process ends with the run

Exit codes
  0  the run completed and every threshold passed
  1  the run completed but a threshold failed
  2  bad input (flags, scenario file, URL, a --web address that cannot be served)
  3  the run was aborted by a threshold (abort_on_fail)
  130 interrupted (SIGINT/SIGTERM, or the dashboard's Stop button) before the planned
      end; results are still written
)";
}

namespace {

[[noreturn]] void bad(std::string_view flag, const std::string& message) {
  throw std::invalid_argument("ragscale load: " + std::string(flag) + ": " + message);
}

constexpr std::string_view kCommand = "ragscale load";

double parse_number(std::string_view flag, std::string_view text, double min_value) {
  return parse_flag_number(kCommand, flag, text, min_value);
}

LoadOptions::WebAddress parse_web_address(std::string_view flag, std::string_view text) {
  const size_t colon = text.rfind(':');
  if (colon == std::string_view::npos || colon == 0) {
    bad(flag, "'" + std::string(text) + "' should be HOST:PORT, e.g. 127.0.0.1:8089");
  }
  std::string_view host = text.substr(0, colon);
  if (host.size() > 2 && host.front() == '[' && host.back() == ']') host = host.substr(1, host.size() - 2);
  const std::string_view port = text.substr(colon + 1);
  unsigned value = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), value);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size() || value > 65535) {
    bad(flag, "port '" + std::string(port) + "' should be a number from 0 to 65535, e.g. 127.0.0.1:8089");
  }
  return {std::string(host), static_cast<uint16_t>(value)};
}

uint64_t parse_count(std::string_view flag, std::string_view text) { return parse_flag_count(kCommand, flag, text); }

std::chrono::microseconds parse_duration_flag(std::string_view flag, std::string_view text) {
  return parse_flag_duration(kCommand, flag, text);
}

ExecutionSegment parse_segment_flags(const std::string& segment, const std::string& sequence) {
  try {
    return ExecutionSegment::parse(segment, sequence);
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string(kCommand) + ": " + error.what());
  }
}

double parse_start_time_flag(std::string_view flag, std::string_view text) {
  try {
    return parse_start_time(text, unix_time_now());
  } catch (const std::invalid_argument& error) {
    throw std::invalid_argument(std::string(kCommand) + ": " + std::string(flag) + " '" + std::string(text) +
                                "': " + error.what());
  }
}

Stage parse_stage(std::string_view flag, std::string_view text) {
  size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) bad(flag, "'" + std::string(text) + "' should be DURATION:TARGET, e.g. 30s:100");
  Stage stage;
  stage.duration = parse_duration_flag(flag, text.substr(0, colon));
  stage.target = parse_number(flag, text.substr(colon + 1), 0);
  return stage;
}

}  // namespace

LoadOptions parse_load_options(int argc, char** argv) {
  LoadOptions options;
  std::string segment_text;
  std::string sequence_text;
  ArgumentCursor cursor(argc, argv, "load");
  while (cursor.next()) {
    const std::string_view arg = cursor.flag();
    auto value = [&] { return cursor.value(); };

    if (arg == "-f" || arg == "--file") options.scenario_file = std::string(value());
    else if (arg == "-H" || arg == "--host") options.host = std::string(value());
    else if (arg == "-X" || arg == "--method") options.method = std::string(value());
    else if (arg == "--insecure") options.insecure = true;
    else if (arg == "--ca-file") options.ca_file = std::string(value());
    else if (arg == "--header") {
      std::string_view header = value();
      size_t colon = header.find(':');
      if (colon == std::string_view::npos || colon == 0) bad(arg, "'" + std::string(header) + "' should be 'Name: value'");
      std::string_view header_value = header.substr(colon + 1);
      while (!header_value.empty() && header_value.front() == ' ') header_value.remove_prefix(1);
      options.headers.emplace_back(std::string(header.substr(0, colon)), std::string(header_value));
    } else if (arg == "--body") options.body = std::string(value());
    else if (arg == "--wait") options.wait = std::string(value());
    else if (arg == "-u" || arg == "--users") options.users = parse_number(arg, value(), 0);
    else if (arg == "-r" || arg == "--spawn-rate") options.spawn_rate = parse_number(arg, value(), 0);
    else if (arg == "-t" || arg == "--run-time") options.run_time = parse_duration_flag(arg, value());
    else if (arg == "--stage") options.stages.push_back(parse_stage(arg, value()));
    else if (arg == "--rate") options.rate = parse_number(arg, value(), 0);
    else if (arg == "--rate-stage") options.rate_stages.push_back(parse_stage(arg, value()));
    else if (arg == "--max-in-flight") options.max_in_flight = parse_count(arg, value());
    else if (arg == "--arrivals") {
      std::string_view kind = value();
      if (kind != "constant" && kind != "poisson" && kind != "gamma") {
        bad(arg, "'" + std::string(kind) + "' is not an arrival process; use constant, poisson or gamma");
      }
      options.arrivals = std::string(kind);
    } else if (arg == "--burstiness") {
      options.burstiness = parse_number(arg, value(), 0);
      if (*options.burstiness <= 0) bad(arg, "must be above 0 (1 = Poisson; below 1 burstier, above 1 more even)");
    } else if (arg == "--openai") options.openai_url = std::string(value());
    else if (arg == "--model") options.model = std::string(value());
    else if (arg == "--prompts") options.prompts_file = std::string(value());
    else if (arg == "--input-tokens") options.input_tokens = std::string(value());
    else if (arg == "--max-tokens") {
      options.max_tokens = parse_count(arg, value());
      if (*options.max_tokens == 0) bad(arg, "must be at least 1");
    } else if (arg == "--no-stream") options.no_stream = true;
    else if (arg == "--api-key-env") options.api_key_env = std::string(value());
    else if (arg == "--slo") options.slos.emplace_back(value());
    else if (arg == "--iterations") options.iterations = parse_count(arg, value());
    else if (arg == "--burst") {
      std::string_view burst = value();
      size_t slash = burst.find('/');
      if (slash == std::string_view::npos) bad(arg, "'" + std::string(burst) + "' should be COUNT/DURATION, e.g. 1000/30s");
      options.burst_requests = parse_count(arg, burst.substr(0, slash));
      options.burst_window = parse_duration_flag(arg, burst.substr(slash + 1));
    } else if (arg == "--profile") options.profile = std::string(value());
    else if (arg == "--stop-timeout") options.stop_timeout = parse_duration_flag(arg, value());
    else if (arg == "--timeout") options.request_timeout = parse_duration_flag(arg, value());
    else if (arg == "--threads") options.threads = static_cast<int>(parse_number(arg, value(), 1));
    else if (arg == "--seed") options.seed = parse_count(arg, value());
    else if (arg == "--segment") segment_text = std::string(value());
    else if (arg == "--segment-sequence") sequence_text = std::string(value());
    else if (arg == "--start-at") options.start_at = parse_start_time_flag(arg, value());
    else if (arg == "--processes") {
      uint64_t processes = parse_count(arg, value());
      if (processes < 1 || processes > 256) bad(arg, "must be between 1 and 256 (one process per core is usual)");
      options.processes = static_cast<int>(processes);
    }
    else if (arg == "--dry-run") options.dry_run = true;
    else if (arg == "--local-ips") options.local_ips = std::string(value());
    else if (arg == "--threshold") options.thresholds.emplace_back(value());
    else if (arg == "--csv") options.csv_prefix = std::string(value());
    else if (arg == "--csv-full-history") options.csv_full_history = true;
    else if (arg == "--csv-precise") options.csv_precise = true;
    else if (arg == "--json") options.json_file = std::string(value());
    else if (arg == "--html") options.html_file = std::string(value());
    else if (arg == "-q" || arg == "--quiet") options.quiet = true;
    else if (arg == "--web") options.web = parse_web_address(arg, value());
    else if (arg == "--scrape") options.scrape_urls.emplace_back(value());
    else if (arg == "--scrape-interval") {
      options.scrape_interval = std::chrono::duration_cast<std::chrono::milliseconds>(parse_duration_flag(arg, value()));
      if (options.scrape_interval < std::chrono::milliseconds(100)) bad(arg, "must be 100ms or more");
    }
    else if (!arg.empty() && arg.front() == '-') {
      bad(arg, "unknown option (see ragscale load --help)");
    } else {
      if (options.url) bad(arg, "a second URL; give one target URL (and -f for a scenario)");
      options.url = std::string(arg);
    }
  }
  if (!sequence_text.empty() && segment_text.empty()) {
    bad("--segment-sequence", "says how segments are cut; give this generator's --segment too");
  }
  if (!segment_text.empty()) options.segment = parse_segment_flags(segment_text, sequence_text);
  return options;
}

}  // namespace ragscale::load
