#include "plan/plan_options.h"

#include <charconv>
#include <cmath>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string_view>

#include "common/flag_values.h"

namespace ragscale::plan {
namespace {

constexpr std::string_view kCommand = "ragscale plan";

[[noreturn]] void bad(std::string_view flag, const std::string& message) { throw_flag_error(kCommand, flag, message); }

double seconds_of(std::string_view flag, std::string_view text) {
  return std::chrono::duration<double>(parse_flag_duration(kCommand, flag, text)).count();
}

int replica_count(std::string_view flag, std::string_view text) {
  const uint64_t value = parse_flag_count(kCommand, flag, text);
  if (value < 1 || value > 100'000) bad(flag, "must be a replica count from 1 to 100000");
  return static_cast<int>(value);
}

// "12", "12m" (months) or "1y".
double months_of(std::string_view flag, std::string_view text) {
  double factor = 1;
  if (!text.empty() && (text.back() == 'm' || text.back() == 'y')) {
    factor = text.back() == 'y' ? 12 : 1;
    text.remove_suffix(1);
  }
  const double value = parse_flag_number(kCommand, flag, text, 0) * factor;
  if (value > 1200) bad(flag, "plan at most 100 years ahead");
  return value;
}

// "10%/month", "10%" or "0.1".
double growth_of(std::string_view flag, std::string_view text) {
  constexpr std::string_view kPerMonth = "/month";
  if (text.size() > kPerMonth.size() && text.substr(text.size() - kPerMonth.size()) == kPerMonth) {
    text.remove_suffix(kPerMonth.size());
  }
  return parse_flag_percent(kCommand, flag, text);
}

ScalingPoint point_of(std::string_view flag, std::string_view text) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) bad(flag, "'" + std::string(text) + "' should be N:RATE, e.g. 4:730");
  return {parse_flag_number(kCommand, flag, text.substr(0, colon), 1),
          parse_flag_number(kCommand, flag, text.substr(colon + 1), 0)};
}

}  // namespace

const char* plan_help_text() {
  return R"(Usage: ragscale plan (--per-replica RATE | --capacity FILE) [demand] [growth] [scaling] [autoscaling]

Turns a measured per-replica capacity into a replica count, a growth timeline, a
scalability model, and an autoscaling policy replayed against a traffic trace.

Capacity of one replica (requests/s while meeting the SLO)
      --per-replica RATE   e.g. 200
      --capacity FILE      the JSON of `ragscale capacity --by rate --json FILE`

Demand and headroom
      --users N            concurrent users ...
      --requests-per-minute R   ... each sending R requests a minute: demand = N × R ÷ 60
      --rate RPS           or the demand in requests/s
      --headroom P         spare capacity kept (default 20%): replicas =
                           ceil(demand × (1 + headroom) ÷ per-replica capacity)
      --growth P           monthly growth, e.g. 10%/month: when each extra replica is needed
      --horizon MONTHS     how far to plan growth: 12, 12m (months) or 1y (default 12)

Scalability (Universal Scalability Law, from 3 or more measured counts)
      --point N:RATE       throughput RATE measured with N replicas (repeatable)
      --sweep FILE         the same, one "N RATE" a line

Autoscaling replay (the HorizontalPodAutoscaler's algorithm against a trace)
      --trace RUN.json     the per-second requests of a `ragscale load --json` run ...
      --trace-scale F      ... times F (e.g. 10 for a test at a tenth of production)
      --trace-stage D:R    or k6-style stages: ramp to R requests/s over D (repeatable;
                           0s:R jumps), e.g. --trace-stage 0s:200 --trace-stage 10m:2000
      --diurnal MIN..MAX/PERIOD   or a daily curve, e.g. 100..2000/24h
      --startup DUR        a new pod's time until ready (default 60s)
      --min N, --max N     replica bounds (default: searched from 1; max enough for the
                           trace's peak at a 30% target)
      --target P           simulate this target utilization only (default: search 30–90%)
      --sync DUR           the autoscaler's sync period (default 15s)
      --tolerance P        no change within this of the target (default 10%)
      --scale-up-window DUR     stabilization window when scaling up (default 0s)
      --scale-down-window DUR   stabilization window when scaling down (default 300s)
      --deployment NAME    the manifest's Deployment (default ragscale-serve)
      --metric NAME        the manifest's per-pod metric (default http_requests_per_second)
      --manifest FILE      write the HorizontalPodAutoscaler (autoscaling/v2) YAML here

Output
      --json FILE          every figure as JSON (- for stdout)
  -h, --help               this text

Exit codes: 0 planned, 2 bad input.
)";
}

PlanOptions parse_plan_options(int argc, char** argv) {
  PlanOptions options;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) bad(arg, "needs a value (see ragscale plan --help)");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") options.help = true;
    else if (arg == "--per-replica") options.per_replica_rps = parse_flag_number(kCommand, arg, value(), 0);
    else if (arg == "--capacity") options.capacity_file = std::string(value());
    else if (arg == "--users") options.users = parse_flag_number(kCommand, arg, value(), 0);
    else if (arg == "--requests-per-minute") options.requests_per_minute = parse_flag_number(kCommand, arg, value(), 0);
    else if (arg == "--rate") options.rate = parse_flag_number(kCommand, arg, value(), 0);
    else if (arg == "--headroom") options.headroom = parse_flag_percent(kCommand, arg, value());
    else if (arg == "--growth") options.monthly_growth = growth_of(arg, value());
    else if (arg == "--horizon") options.horizon_months = months_of(arg, value());
    else if (arg == "--point") options.points.push_back(point_of(arg, value()));
    else if (arg == "--sweep") options.sweep_file = std::string(value());
    else if (arg == "--trace") options.trace_file = std::string(value());
    else if (arg == "--trace-scale") options.trace_scale = parse_flag_number(kCommand, arg, value(), 0);
    else if (arg == "--trace-stage") options.trace_stages.emplace_back(value());
    else if (arg == "--diurnal") options.diurnal = std::string(value());
    else if (arg == "--startup") options.startup_s = seconds_of(arg, value());
    else if (arg == "--min") options.min_replicas = replica_count(arg, value());
    else if (arg == "--max") options.max_replicas = replica_count(arg, value());
    else if (arg == "--target") {
      const double target = parse_flag_percent(kCommand, arg, value()) * 100;
      if (target <= 0 || target > 100) bad(arg, "must be above 0% and at most 100%");
      options.target_percent = target;
    } else if (arg == "--sync") options.hpa.sync_period_s = seconds_of(arg, value());
    else if (arg == "--tolerance") options.hpa.tolerance = parse_flag_percent(kCommand, arg, value());
    else if (arg == "--scale-up-window") options.hpa.scale_up.stabilization_window_s = seconds_of(arg, value());
    else if (arg == "--scale-down-window") options.hpa.scale_down.stabilization_window_s = seconds_of(arg, value());
    else if (arg == "--deployment") options.deployment = std::string(value());
    else if (arg == "--metric") options.metric_name = std::string(value());
    else if (arg == "--manifest") options.manifest_file = std::string(value());
    else if (arg == "--json") options.json_file = std::string(value());
    else bad(arg, "unknown flag (see ragscale plan --help)");
  }
  if (options.help) return options;

  if (options.per_replica_rps && options.capacity_file) bad("--capacity", "give --per-replica or --capacity, not both");
  if (options.per_replica_rps && *options.per_replica_rps <= 0) bad("--per-replica", "must be above 0 requests/s");
  if (options.rate && (options.users || options.requests_per_minute)) {
    bad("--rate", "give the demand as --rate or as --users with --requests-per-minute, not both");
  }
  if (options.users.has_value() != options.requests_per_minute.has_value()) {
    bad(options.users ? "--users" : "--requests-per-minute",
        "the demand needs both --users N and --requests-per-minute R (demand = N × R ÷ 60)");
  }
  const int sources = (options.trace_file ? 1 : 0) + (!options.trace_stages.empty() ? 1 : 0) + (options.diurnal ? 1 : 0);
  if (sources > 1) bad("--trace", "give one traffic trace: --trace, --trace-stage or --diurnal");
  if (options.trace_scale <= 0) bad("--trace-scale", "must be above 0");
  if (options.min_replicas && options.max_replicas && *options.max_replicas < *options.min_replicas) {
    bad("--max", "is below --min");
  }
  if (options.hpa.sync_period_s < 1) bad("--sync", "must be 1s or more");
  const bool any_work = options.has_demand() || options.has_trace() || !options.points.empty() || options.sweep_file;
  if (!any_work) {
    bad("--users", "nothing to plan: give a demand (--users N --requests-per-minute R, or --rate), scaling "
                   "points (--point N:RATE), or a traffic trace (--trace, --trace-stage, --diurnal)");
  }
  if ((options.has_demand() || options.has_trace()) && !options.per_replica_rps && !options.capacity_file) {
    bad("--per-replica", "planning a demand or a trace needs one replica's capacity: --per-replica RATE or "
                         "--capacity FILE");
  }
  return options;
}

std::vector<ScalingPoint> read_scaling_points(const std::string& path) {
  std::ifstream file(path);
  if (!file) throw std::invalid_argument("ragscale plan: --sweep: cannot read " + path);
  std::vector<ScalingPoint> points;
  std::string line;
  for (int number = 1; std::getline(file, line); ++number) {
    const size_t hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    for (char& c : line) {
      if (c == ',' || c == '\t') c = ' ';
    }
    std::istringstream fields(line);
    std::string n, rate, extra;
    if (!(fields >> n)) continue;
    const std::string where = path + ":" + std::to_string(number);
    if (!(fields >> rate) || (fields >> extra)) {
      throw std::invalid_argument("ragscale plan: " + where + ": expected \"N RATE\" (e.g. \"4 730\"), got '" + line + "'");
    }
    points.push_back({parse_flag_number(kCommand, where, n, 1), parse_flag_number(kCommand, where, rate, 0)});
  }
  return points;
}

}  // namespace ragscale::plan
