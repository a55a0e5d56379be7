// `ragscale load`: from the command line to a finished run. Reads the flags and the
// scenario, resolves targets, plans the load shape, runs it, prints the live line and the
// end-of-run tables, writes the requested reports and turns the verdict into the exit
// code (see load_help_text()).
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <iostream>
#include <memory>
#include <stdexcept>

#include "app/commands.h"
#include "diagnose/diagnosis.h"
#include "load/load_options.h"
#include "load/load_setup.h"
#include "load/load_plan.h"
#include "load/runner.h"
#include "load/scenario/scenario.h"
#include "load/scenario/thresholds.h"
#include "load/output/console_report.h"
#include "load/output/json_summary.h"
#include "load/output/live_status_line.h"
#include "load/output/run_outputs.h"
#include "load/run_exit_code.h"
#include "load/segment/local_processes.h"
#include "load/segment/start_time.h"
#include "load/web/dashboard_server.h"
#include "load/web/live_snapshot.h"
#include "metrics/metrics_scraper.h"
#include "common/duration.h"
#include "common/heap_policy.h"
#include "net/tls_context.h"

namespace ragscale {

namespace {

using load::LoadOptions;
using load::any_tls;
using load::build_scenario;
using load::check_output_path;
using load::describe_tls;
using load::make_run_info;
using load::resolve_targets;
using load::tls_options;

using load::kExitBadInput;

// Segments of one run share the seed, so they walk one arrival schedule; a user who wants
// another schedule gives every segment the same --seed.
constexpr uint64_t kSegmentSeed = 0x5EC7'0A11'5EED'2026ULL;

}  // namespace

int run_load_command(int argc, char** argv) {
  keep_freed_memory_for_reuse();
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    if (arg == "-h" || arg == "--help") {
      std::fputs(load::load_help_text(), stdout);
      return 0;
    }
  }
  LoadOptions options;
  scenario::Scenario scenario;
  load::LoadPlan plan;
  std::vector<load::ResolvedTarget> targets;
  std::vector<scenario::Threshold> thresholds;
  std::vector<load::llm::Slo> slos;
  uint64_t seed = 0;
  try {
    options = load::parse_load_options(argc, argv);
    seed = options.seed.value_or(options.segment ? kSegmentSeed
                                                 : static_cast<uint64_t>(::getpid()) * 2654435761ULL ^
                                                       static_cast<uint64_t>(std::time(nullptr)));
    if (options.processes && *options.processes > 1) {
      if (options.segment) throw std::invalid_argument("--processes runs its own segments; drop --segment");
      if (options.web) throw std::invalid_argument("--web cannot watch several processes; drop --web or --processes");
    }
    scenario = build_scenario(options, seed);
    for (const auto& text : options.slos) slos.push_back(load::llm::parse_slo(text));
    plan = load::make_load_plan(options, scenario.load);
    load::check_segment_has_work(plan);
    targets = resolve_targets(scenario, options);
    // A CA file that cannot be used is bad input now, not a failed handshake per request.
    if (any_tls(targets) || options.ca_file) net::TlsContext check(tls_options(options));
    if (options.csv_prefix) check_output_path("--csv", *options.csv_prefix);
    if (options.json_file) check_output_path("--json", *options.json_file);
    if (options.html_file) check_output_path("--html", *options.html_file);
    thresholds = scenario.thresholds;
    for (const auto& text : options.thresholds) thresholds.push_back(scenario::parse_threshold_cli(text));
  } catch (const std::exception& error) {
    std::string message = error.what();
    if (message.rfind("ragscale", 0) != 0) message = "ragscale load: " + message;
    std::fprintf(stderr, "%s\n", message.c_str());
    return kExitBadInput;
  }

  if (options.processes && *options.processes > 1 && !options.dry_run) {
    return load::run_local_processes(argc, argv, options, seed, thresholds);
  }

  const int threads = load::run_threads(options, plan);
  output::RunInfo info = make_run_info(scenario, plan, threads, options);
  if (options.segment) {
    info.settings.emplace_back("segment", options.segment->describe());
    info.settings.emplace_back("segment period", std::to_string(options.segment->period()));
  }
  if (any_tls(targets)) info.settings.emplace_back("tls", describe_tls(tls_options(options)));

  std::optional<double> planned;
  if (plan.run_time) planned = std::chrono::duration<double>(*plan.run_time).count();

  // The live dashboard binds before the run, so a bad address is bad input, not a failed run.
  std::unique_ptr<load::LiveSnapshot> live_snapshot;
  std::atomic<bool> stopped_from_web{false};
  std::unique_ptr<load::DashboardServer> dashboard;
  if (options.web && !options.dry_run) {
    live_snapshot = std::make_unique<load::LiveSnapshot>(info.host, plan.describe(), planned);
    dashboard = std::make_unique<load::DashboardServer>(options.web->host, options.web->port, *live_snapshot, [&] {
      // Once: a second click must not cut the grace period of requests in flight.
      if (stopped_from_web.exchange(true)) return;
      live_snapshot->set_state("stopping");
      load::request_stop();
    });
    try {
      dashboard->start();
    } catch (const std::exception& error) {
      std::fprintf(stderr, "ragscale load: --web %s:%u: %s\n", options.web->host.c_str(), options.web->port,
                   error.what());
      return kExitBadInput;
    }
  }

  std::fprintf(stderr, "ragscale load: %s -> %s\n", plan.describe().c_str(), info.host.c_str());
  for (const auto& note : plan.notes) std::fprintf(stderr, "  default: %s\n", note.c_str());
  if (dashboard) std::fprintf(stderr, "  live dashboard: http://%s:%u/\n", options.web->host.c_str(), dashboard->port());
  if (plan.model == load::LoadPlan::Model::kClosed) {
    std::fprintf(stderr,
                 "  closed model: latency is measured from each request's actual send; a stalled server also "
                 "stalls the users (coordinated omission), which this model cannot correct. Use --rate for "
                 "corrected latencies.\n");
  }

  // Scrape targets are resolved now, so a bad --scrape is bad input, not a run without metrics.
  std::unique_ptr<metrics::MetricsScraper> scraper;
  if (!options.scrape_urls.empty()) {
    try {
      scraper = std::make_unique<metrics::MetricsScraper>(options.scrape_urls, options.scrape_interval);
    } catch (const std::invalid_argument& error) {
      std::fprintf(stderr, "ragscale load: %s\n", error.what());
      return kExitBadInput;
    }
  }

  if (options.dry_run) {
    for (const auto& [key, value] : info.settings) std::printf("%-13s %s\n", (key + ":").c_str(), value.c_str());
    for (const auto& threshold : thresholds) std::printf("threshold:    %s\n", threshold.expression.c_str());
    for (const auto& slo : slos) std::printf("slo:          %s\n", slo.text.c_str());
    std::printf("scenario and flags are valid; nothing was sent (--dry-run)\n");
    return 0;
  }

  load::RunnerSettings settings;
  settings.threads = threads;
  settings.seed = seed;
  settings.slos = slos;
  settings.request_timeout = options.request_timeout;
  settings.stop_timeout = options.stop_timeout;
  settings.thresholds = thresholds;
  settings.tls = tls_options(options);
  if (scraper) settings.loop_lag = &scraper->loop_lag();
  const bool live = !options.quiet;
  const bool tty = ::isatty(STDERR_FILENO) != 0;
  if (live) {
    settings.on_second = [&](const RunStats& stats, uint64_t users, double elapsed) {
      output::LiveStatus status;
      status.elapsed_seconds = elapsed;
      status.users = static_cast<int>(users);
      status.planned_duration_seconds = planned;
      std::string line = output::format_live_status(stats, status);
      if (tty) std::fprintf(stderr, "\r\033[K%s", line.c_str());
      else std::fprintf(stderr, "%s\n", line.c_str());
      std::fflush(stderr);
    };
  }

  if (live_snapshot) {
    auto print_line = std::move(settings.on_second);
    settings.on_second = [&, print_line](const RunStats& stats, uint64_t users, double elapsed) {
      live_snapshot->update(stats, users, elapsed);
      if (print_line) print_line(stats, users, elapsed);
    };
  }

  load::install_stop_signal_handlers();
  if (options.start_at) {
    const double wait = *options.start_at - load::unix_time_now();
    if (wait > 0) std::fprintf(stderr, "  waiting %.1f s for --start-at\n", wait);
    const int signals_before_start = load::stop_request_count();
    const double late = load::wait_until(*options.start_at,
                                         [&] { return load::stop_request_count() != signals_before_start; });
    if (late < 0) {
      std::fprintf(stderr, "ragscale load: interrupted before --start-at; nothing was sent\n");
      return load::kExitInterrupted;
    }
    // A segment that starts late misses the first seconds of the run: say so, and record it
    // so ragscale merge can warn about it too.
    if (late > 1.0) {
      std::fprintf(stderr, "ragscale load: started %.1f s after --start-at; the first seconds of this part are missing\n",
                   late);
      char text[32];
      std::snprintf(text, sizeof text, "%.3f", late);
      info.settings.emplace_back("late start", text);
    }
  }
  if (scraper) {
    scraper->start(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  }
  load::RunOutcome outcome = load::run_load(scenario, targets, plan, settings);
  if (scraper) {
    scraper->stop();
    info.scraped = scraper->results();
    for (const auto& target : info.scraped) {
      if (target.url != "generator" && target.scrapes == 0) {
        std::fprintf(stderr, "ragscale load: --scrape %s: no scrape answered (%s)\n", target.url.c_str(),
                     target.last_failure.empty() ? "no answer" : target.last_failure.c_str());
      }
    }
  }
  if (live && tty) std::fprintf(stderr, "\n");

  std::fputs(output::format_end_of_run_report(outcome.stats).c_str(), stdout);
  const RunStats& stats = outcome.stats;
  if (stats.dropped() > 0 || stats.late() > 0) {
    std::printf("\nOpen model: %llu arrivals dropped (no free virtual user and a full backlog), %llu started late\n",
                static_cast<unsigned long long>(stats.dropped()), static_cast<unsigned long long>(stats.late()));
  }
  if (stats.tls_handshakes() > 0) {
    std::printf("\nTLS: %llu handshakes, %llu of them resumed an earlier session\n",
                static_cast<unsigned long long>(stats.tls_handshakes()),
                static_cast<unsigned long long>(stats.tls_resumed()));
  }
  if (plan.model == load::LoadPlan::Model::kClosed) {
    std::printf("\nNote: closed model; latencies are not corrected for coordinated omission (use --rate).\n");
  }
  if (outcome.abandoned_in_flight > 0) {
    std::printf("Note: %llu requests were still in flight after the stop timeout and are not counted.\n",
                static_cast<unsigned long long>(outcome.abandoned_in_flight));
  }
  std::fputs(output::format_threshold_verdicts(outcome.thresholds).c_str(), stdout);
  if (stopped_from_web) std::printf("\nRun stopped from the web dashboard.\n");

  for (const auto& result : outcome.thresholds.results) {
    info.thresholds.push_back({result.expression, result.passed, result.has_data, result.observed});
  }
  info.abort_reason = outcome.abort_reason;
  // What limited the run, as `ragscale diagnose` would say from its summary: the scraped
  // target metrics are at hand now, so nobody has to ask for them afterwards.
  if (scraper && !options.quiet) {
    std::printf("\nDiagnosis\n");
    diagnose::write_diagnosis_text(std::cout, diagnose::diagnose_run(diagnose::RunEvidence({info, stats})));
    std::cout.flush();
  }

  int exit_code = 0;
  try {
    output::write_run_outputs(load::run_output_paths(options), output::RunSummary{info, stats});
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale load: %s\n", error.what());
    exit_code = kExitBadInput;
  }

  // The page shows the final figures until the process exits, right after this.
  if (live_snapshot) live_snapshot->set_state("finished");
  if (outcome.aborted_by_threshold) std::printf("\nRun aborted: %s\n", outcome.abort_reason.c_str());
  return load::run_exit_code(outcome.aborted_by_threshold, outcome.thresholds.all_passed(), outcome.interrupted,
                             exit_code);
}

}  // namespace ragscale
