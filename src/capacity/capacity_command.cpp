// `ragscale capacity`: from the command line to a capacity. Builds the scenario and targets
// as `ragscale load` does (load/load_setup.h), then lets the search (capacity_search.h) run
// one in-process load run per step (load/runner.h), each watched by a StepMonitor that ends
// it once its verdict is decided or the target is saturated. Prints a line per step, the
// table and the capacity, writes --json and --html, and turns the outcome into the exit
// code (see capacity_help_text()).
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <stdexcept>
#include <thread>

#include "common/heap_policy.h"
#include "app/commands.h"
#include "capacity/capacity_html_report.h"
#include "capacity/capacity_options.h"
#include "capacity/capacity_report.h"
#include "capacity/capacity_search.h"
#include "capacity/capacity_slo.h"
#include "capacity/step_monitor.h"
#include "load/load_plan.h"
#include "load/load_setup.h"
#include "load/output/live_status_line.h"
#include "load/runner.h"
#include "net/tls_context.h"

namespace ragscale {

namespace {

using capacity::CapacityOptions;

constexpr int kExitNoCapacity = 1;
constexpr int kExitBadInput = 2;
constexpr int kExitInterrupted = 130;
constexpr double kDefaultMaxRate = 100000;
constexpr double kDefaultMaxUsers = 10000;

double seconds_of(std::chrono::microseconds duration) { return std::chrono::duration<double>(duration).count(); }

double seconds_since(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
}

// The rate whose step (of step_seconds) gathers the samples every SLO needs to pass when
// nothing goes wrong, with a fifth to spare: lower loads cannot be decided in one step.
double default_start_rate(const std::vector<capacity::CapacitySlo>& slos, double step_seconds) {
  uint64_t samples = 1;
  for (const auto& slo : slos) samples = std::max(samples, capacity::samples_for_clean_pass(slo));
  return std::max(1.0, std::ceil(1.2 * static_cast<double>(samples) / step_seconds));
}

// Everything a step needs that does not change from step to step.
struct Campaign {
  CapacityOptions options;
  std::vector<capacity::CapacitySlo> slos;
  scenario::Scenario scenario;
  std::vector<load::ResolvedTarget> targets;
  uint64_t seed = 0;

  load::LoadPlan plan_for(double load) const {
    load::LoadOptions step = options.load;
    if (options.by == CapacityOptions::By::kUsers) {
      step.users = load;
      step.spawn_rate = load;  // every user at once: the step measures a level, not a ramp
    } else {
      step.rate = load;
    }
    step.run_time = options.max_step_time;
    // Only the file's in-flight bound applies: its shape, profile and iteration bound would
    // fight the step's load.
    scenario::LoadSpec file_load;
    file_load.max_in_flight = scenario.load.max_in_flight;
    return load::make_load_plan(step, file_load);
  }
};

Campaign prepare(int argc, char** argv) {
  Campaign campaign;
  CapacityOptions& options = campaign.options;
  options = capacity::parse_capacity_options(argc, argv);
  if (options.slos.empty()) options.slos.push_back("http_req_failed:rate<0.01");
  for (const auto& text : options.slos) campaign.slos.push_back(capacity::parse_capacity_slo(text));
  campaign.seed = options.load.seed.value_or(static_cast<uint64_t>(::getpid()) * 2654435761ULL ^
                                             static_cast<uint64_t>(std::time(nullptr)));
  campaign.scenario = load::build_scenario(options.load, campaign.seed);
  campaign.targets = load::resolve_targets(campaign.scenario, options.load);
  if (load::any_tls(campaign.targets) || options.load.ca_file) net::TlsContext check(load::tls_options(options.load));
  if (options.json_file) load::check_output_path("--json", *options.json_file);
  if (options.html_file) load::check_output_path("--html", *options.html_file);
  const bool by_users = options.by == CapacityOptions::By::kUsers;
  if (!options.start) {
    options.start = by_users ? 1.0 : default_start_rate(campaign.slos, seconds_of(options.step_time));
    if (options.max) options.start = std::min(*options.start, *options.max);
  }
  if (!options.max) options.max = std::max(*options.start, by_users ? kDefaultMaxUsers : kDefaultMaxRate);
  campaign.plan_for(*options.start);  // a plan that cannot be made is bad input now
  return campaign;
}

}  // namespace

int run_capacity_command(int argc, char** argv) {
  keep_freed_memory_for_reuse();  // it generates load as `ragscale load` does
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(capacity::capacity_help_text(), stdout);
      return 0;
    }
  }
  Campaign campaign;
  try {
    campaign = prepare(argc, argv);
  } catch (const std::exception& error) {
    std::string message = capacity::in_capacity_words(error.what());
    if (message.rfind("ragscale", 0) != 0) message = "ragscale capacity: " + message;
    std::fprintf(stderr, "%s\n", message.c_str());
    return kExitBadInput;
  }
  const CapacityOptions& options = campaign.options;
  const bool by_users = options.by == CapacityOptions::By::kUsers;

  capacity::CapacityReport report;
  report.host = campaign.scenario.host ? campaign.scenario.host->origin() : "";
  report.by_users = by_users;
  report.slos = options.slos;
  report.search_settings.start = *options.start;
  report.search_settings.max = *options.max;
  report.search_settings.growth = options.growth;
  report.search_settings.tolerance = options.tolerance;
  report.search_settings.whole_numbers = by_users;
  report.timing.min_seconds = seconds_of(options.step_time);
  report.timing.max_seconds = seconds_of(*options.max_step_time);
  report.timing.look_every = std::max(1.0, report.timing.min_seconds / 2);
  report.cooldown_seconds = seconds_of(options.cooldown);

  std::string slo_list;
  for (const auto& slo : campaign.slos) slo_list += (slo_list.empty() ? "" : ", ") + slo.threshold.expression;
  std::fprintf(stderr,
               "ragscale capacity: %s -> %s\n  SLOs: %s\n  from %s %s, x%.0f until a step fails, then bisect to "
               "%.0f%%; steps %s..%s s, cool-down %s s\n",
               by_users ? "closed model (users)" : "open model (arrival rate)", report.host.c_str(), slo_list.c_str(),
               capacity::format_load(*options.start).c_str(), report.unit(), options.growth, options.tolerance * 100,
               capacity::format_load(report.timing.min_seconds).c_str(),
               capacity::format_load(report.timing.max_seconds).c_str(),
               capacity::format_load(report.cooldown_seconds).c_str());
  if (by_users) {
    std::fprintf(stderr, "  closed model: latencies are not corrected for coordinated omission (use --by rate)\n");
  }

  load::install_stop_signal_handlers();
  const int stop_mark = load::stop_request_count();
  auto stop_requested = [&] { return load::stop_request_count() != stop_mark; };
  const bool live = !options.load.quiet && ::isatty(STDERR_FILENO) != 0;
  const auto search_start = std::chrono::steady_clock::now();

  auto run_step = [&](double load_level, capacity::SearchPhase phase) {
    capacity::StepRecord record;
    record.load = load_level;
    record.phase = phase;
    if (!report.steps.empty()) {
      // Cool-down: queues drain, connections settle; Ctrl-C is heard within 0.1 s.
      const auto until = std::chrono::steady_clock::now() + options.cooldown;
      while (std::chrono::steady_clock::now() < until && !stop_requested()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    capacity::StepResult result;
    if (stop_requested()) {
      record.interrupted = true;
      result.interrupted = true;
      report.steps.push_back(std::move(record));
      return result;
    }
    const load::LoadPlan plan = campaign.plan_for(load_level);
    load::RunnerSettings settings;
    settings.threads = load::run_threads(options.load, plan);
    settings.seed = campaign.seed + report.steps.size();
    settings.request_timeout = options.load.request_timeout;
    settings.stop_timeout = options.load.stop_timeout;
    settings.tls = load::tls_options(options.load);
    const size_t index = report.steps.size();
    capacity::StepMonitor monitor(campaign.slos, report.timing,
                                  by_users ? std::nullopt : std::optional<double>(load_level));
    if (live) {
      settings.on_second = [&](const RunStats& stats, uint64_t users, double elapsed) {
        output::LiveStatus status;
        status.elapsed_seconds = elapsed;
        status.users = static_cast<int>(users);
        const std::string line = output::format_live_status(stats, status);
        std::fprintf(stderr, "\r\033[Kstep %zu  %s %s  %s", index + 1, capacity::format_load(load_level).c_str(),
                     report.unit(), line.c_str());
        std::fflush(stderr);
      };
    }
    settings.end_early = [&](const RunStats& stats, uint64_t users, double elapsed) {
      capacity::SecondObservation observation;
      observation.elapsed_seconds = elapsed;
      observation.iterations = stats.iterations();
      observation.dropped = stats.dropped();
      observation.late = stats.late();
      observation.in_flight = users;
      return monitor.observe(observation, capacity::RunStatsEvidence(stats));
    };
    const auto step_start = std::chrono::steady_clock::now();
    load::RunOutcome outcome = load::run_load(campaign.scenario, campaign.targets, plan, settings);
    if (live) std::fprintf(stderr, "\r\033[K");
    record.seconds = seconds_since(step_start);
    record.interrupted = outcome.interrupted || stop_requested();
    record.verdict = monitor.finish(capacity::RunStatsEvidence(outcome.stats));
    record.info = load::make_run_info(campaign.scenario, plan, settings.threads, options.load);
    record.info.settings.emplace_back("capacity step", std::to_string(index + 1) + " (" +
                                                           (phase == capacity::SearchPhase::kGrowth ? "growth" : "bisection") +
                                                           ")");
    record.stats = std::move(outcome.stats);
    result.verdict = record.verdict.verdict;
    result.estimate_meets = record.verdict.estimate_meets;
    result.interrupted = record.interrupted;
    report.steps.push_back(std::move(record));
    std::fprintf(stderr, "%s\n", capacity::format_step_line(report, index).c_str());
    return result;
  };

  report.search = capacity::search_capacity(report.search_settings, run_step);
  report.search_seconds = seconds_since(search_start);

  std::fputs(capacity::format_capacity_summary(report).c_str(), stdout);
  std::fflush(stdout);
  int exit_code = report.search.last_pass ? 0 : kExitNoCapacity;
  try {
    if (options.json_file) capacity::write_capacity_json_file(*options.json_file, report);
    if (options.html_file) capacity::write_capacity_html_file(*options.html_file, report);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale capacity: %s\n", error.what());
    exit_code = kExitBadInput;
  }
  if (report.search.end == capacity::SearchEnd::kInterrupted) {
    std::printf("Interrupted: the steps above are what was found.\n");
    return kExitInterrupted;
  }
  return exit_code;
}

}  // namespace ragscale
