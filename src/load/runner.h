// Runner: the controller of one load run, on the main thread. It starts the workers,
// drives the load shape (users over time, or arrivals), collects every worker's
// statistics each second into RunStats, prints the live line, evaluates thresholds
// (aborting when one says so), and ends the run on time, on the iteration bound, on a
// threshold abort or on SIGINT/SIGTERM, giving requests in flight a grace period.
#pragma once

#include <chrono>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "load/compiled_scenario.h"
#include "load/llm/slo.h"
#include "load/load_plan.h"
#include "load/scenario/scenario.h"
#include "load/scenario/thresholds.h"
#include "net/loop_lag_probe.h"
#include "net/tls_context.h"
#include "stats/run_stats.h"

namespace ragscale::load {

struct RunnerSettings {
  int threads = 1;
  uint64_t seed = 0;
  std::optional<std::chrono::microseconds> request_timeout;
  std::chrono::microseconds stop_timeout{std::chrono::seconds(10)};
  std::vector<scenario::Threshold> thresholds;
  std::vector<llm::Slo> slos;  // judged per request: goodput and SLO attainment
  net::TlsOptions tls;  // https targets; each worker makes its own context from these
  // When set, every worker's event loop reports its lag here (what load --scrape records).
  net::LoopLag* loop_lag = nullptr;
  // Called once a second with the stats so far, the users running, the elapsed time.
  std::function<void(const RunStats&, uint64_t users, double elapsed_seconds)> on_second;
  // Called once a second after on_second; true ends the run there, as its planned end does
  // (not counted as interrupted), e.g. when a capacity step has its verdict.
  std::function<bool(const RunStats&, uint64_t users, double elapsed_seconds)> end_early;
};

struct RunOutcome {
  RunStats stats;
  scenario::ThresholdEvaluation thresholds;
  bool aborted_by_threshold = false;
  std::string abort_reason;
  bool interrupted = false;  // SIGINT/SIGTERM before the planned end
  uint64_t peak_users = 0;
  uint64_t abandoned_in_flight = 0;  // requests still unanswered after the stop timeout
};

// Installs SIGINT/SIGTERM handlers that make a running Runner stop gracefully (a second
// signal ends the grace period at once).
void install_stop_signal_handlers();

// Stops a running Runner as SIGINT does (the run counts as interrupted; a second call ends
// the grace period at once). Safe from any thread, e.g. the web dashboard's Stop button.
void request_stop();

// How many stop requests (SIGINT/SIGTERM, request_stop()) this process has had: a caller that
// runs several runs in a row sees a Ctrl-C between them as a change of this count.
int stop_request_count();

RunOutcome run_load(const scenario::Scenario& scenario, const std::vector<ResolvedTarget>& targets,
                    const LoadPlan& plan, const RunnerSettings& settings);

}  // namespace ragscale::load
