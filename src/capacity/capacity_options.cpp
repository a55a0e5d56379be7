#include "capacity/capacity_options.h"

#include <charconv>
#include <stdexcept>
#include <string_view>

#include "common/argument_cursor.h"
#include "common/duration.h"

namespace ragscale::capacity {

const char* capacity_help_text() {
  return R"(Usage: ragscale capacity URL [options]
       ragscale capacity -f SCENARIO.yaml -H URL [options]

Finds the highest load the target sustains within its SLOs: steps of constant load, grown
geometrically (x2) from --start until one fails, then bisected between the last pass and
the first failure until they are within --tolerance. Each step runs until its verdict is
statistically decided (95% intervals: Wilson for error rates, order statistics for
percentiles), is extended up to --max-step-time otherwise, and stops early when the target is
clearly saturated. Ctrl-C keeps what was found. docs/capacity.md explains the search.
  ragscale capacity http://127.0.0.1:8080/ --slo 'http_req_failed:rate<0.01' --json cap.json

Objectives
      --slo EXPR          threshold syntax, repeatable; a step passes when every one holds:
                          'http_req_failed:rate<0.01' (also http_req_rate_limited, checks),
                          'http_req_duration:p(95)<2000' (ms; p(N) or med; also ttft, itl,
                          tpot, e2e for streamed answers), '{name:/query}' filters by name.
                          Default: http_req_failed:rate<0.01

Search
      --by rate|users     rate: open model, arrivals per second, latency corrected for
                          coordinated omission (default); users: closed model, concurrent
                          users with no think time unless --wait
      --start N           first load (default: rate, the lowest whose step has the samples
                          to decide a clean pass, e.g. 46/s for rate<0.01; users, 1)
      --max N             highest load tried (default 100000 it/s, 10000 users)
      --step-time DUR     each step's shortest run (default 10s)
      --max-step-time DUR an undecided step is extended up to this (default 3 x step time)
      --cooldown DUR      pause between steps, so queues drain (default 3s)
      --tolerance P       bisect until the first failure is within P of the last pass:
                          5% or 0.05 (default 5%)

Output
      --json FILE         the capacity (key "capacity"), bracket, bound_by, knee and every
                          step with its verdict and its full run summary (as load --json)
      --html FILE         self-contained report: throughput and latency against offered load
  -q, --quiet             no per-second progress line while a step runs

Target, request and execution flags are those of ragscale load (see ragscale load --help):
  -f, -H, -X, --header, --body, --wait, --openai, --model, --prompts, --input-tokens,
  --max-tokens, --no-stream, --api-key-env, --ca-file, --insecure, --max-in-flight,
  --arrivals, --burstiness, --timeout, --stop-timeout, --threads, --local-ips, --seed

Exit codes
  0  a capacity was found (a step passed)
  1  none: even the first step failed, or no step was decided as passing
  2  bad input (flags, SLOs, scenario, URL)
  130 interrupted (Ctrl-C, SIGTERM); the steps so far are printed and written
)";
}

std::string in_capacity_words(std::string message) {
  const std::string_view from = "ragscale load";
  const std::string_view to = "ragscale capacity";
  for (size_t at = message.find(from); at != std::string::npos; at = message.find(from, at + to.size())) {
    message.replace(at, from.size(), to);
  }
  return message;
}

namespace {

[[noreturn]] void bad(std::string_view flag, const std::string& message) {
  throw std::invalid_argument("ragscale capacity: " + std::string(flag) + ": " + message);
}

double parse_positive(std::string_view flag, std::string_view text) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value > 0)) {
    bad(flag, "'" + std::string(text) + "' should be a number above 0");
  }
  return value;
}

std::chrono::microseconds parse_positive_duration(std::string_view flag, std::string_view text, bool zero_ok) {
  std::string error;
  auto value = try_parse_duration(text, &error);
  if (!value) bad(flag, error);
  if (value->count() < 0 || (!zero_ok && value->count() == 0)) bad(flag, "must be above 0, e.g. 10s");
  return *value;
}

double parse_tolerance(std::string_view flag, std::string_view text) {
  const bool percent = !text.empty() && text.back() == '%';
  double value = parse_positive(flag, percent ? text.substr(0, text.size() - 1) : text);
  if (percent) value /= 100.0;
  if (value >= 1) bad(flag, "'" + std::string(text) + "' is too coarse; give a fraction below 1, e.g. 5% or 0.05");
  return value;
}

// Load flags that set the load itself or the load command's own outputs.
void refuse_load_shaping(const load::LoadOptions& options) {
  const char* flag = options.users ? "-u/--users"
                   : options.spawn_rate ? "-r/--spawn-rate"
                   : options.run_time ? "-t/--run-time"
                   : !options.stages.empty() ? "--stage"
                   : options.rate ? "--rate"
                   : !options.rate_stages.empty() ? "--rate-stage"
                   : options.iterations ? "--iterations"
                   : options.burst_requests ? "--burst"
                   : options.profile ? "--profile"
                   : !options.thresholds.empty() ? "--threshold"
                   : options.csv_prefix ? "--csv"
                   : options.web ? "--web"
                   : options.dry_run ? "--dry-run"
                   : nullptr;
  if (flag == nullptr) return;
  const std::string_view name(flag);
  std::string fix = "the search sets each step's load; use --by, --start, --max and --step-time";
  if (name == "--threshold") fix = "give objectives with --slo (same syntax)";
  if (name == "--csv" || name == "--web" || name == "--dry-run") fix = "capacity writes --json and --html";
  bad(flag, "not a capacity option: " + fix);
}

}  // namespace

CapacityOptions parse_capacity_options(int argc, char** argv) {
  CapacityOptions options;
  std::vector<char*> load_args{argv[0]};
  ArgumentCursor cursor(argc, argv, "capacity");
  while (cursor.next()) {
    const std::string_view arg = cursor.flag();
    auto value = [&] { return cursor.value(); };
    if (arg == "--slo") options.slos.emplace_back(value());
    else if (arg == "--by") {
      const std::string_view by = value();
      if (by == "rate") options.by = CapacityOptions::By::kRate;
      else if (by == "users") options.by = CapacityOptions::By::kUsers;
      else bad(arg, "'" + std::string(by) + "' should be rate (open model) or users (closed model)");
    } else if (arg == "--start") options.start = parse_positive(arg, value());
    else if (arg == "--max") options.max = parse_positive(arg, value());
    else if (arg == "--step-time") options.step_time = parse_positive_duration(arg, value(), false);
    else if (arg == "--max-step-time") options.max_step_time = parse_positive_duration(arg, value(), false);
    else if (arg == "--cooldown") options.cooldown = parse_positive_duration(arg, value(), true);
    else if (arg == "--tolerance") options.tolerance = parse_tolerance(arg, value());
    else if (arg == "--json") options.json_file = std::string(value());
    else if (arg == "--html") options.html_file = std::string(value());
    else load_args.push_back(cursor.current());
  }
  try {
    options.load = load::parse_load_options(static_cast<int>(load_args.size()), load_args.data());
  } catch (const std::invalid_argument& error) {
    std::string message = in_capacity_words(error.what());
    throw std::invalid_argument(message);
  }
  refuse_load_shaping(options.load);
  if (options.start && options.max && *options.start > *options.max) {
    bad("--start", "is above --max; the search grows from --start up to --max");
  }
  if (options.by == CapacityOptions::By::kUsers && (options.load.arrivals || options.load.burstiness)) {
    bad(options.load.arrivals ? "--arrivals" : "--burstiness", "shapes the open model's arrivals; drop it or use --by rate");
  }
  const auto max_step = options.max_step_time.value_or(options.step_time * 3);
  if (max_step < options.step_time) bad("--max-step-time", "is shorter than --step-time; give at least the step time");
  options.max_step_time = max_step;
  return options;
}

}  // namespace ragscale::capacity
