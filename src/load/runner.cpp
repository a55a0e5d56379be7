#include "load/runner.h"

#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <condition_variable>
#include <csignal>
#include <memory>
#include <mutex>
#include <thread>

#include "load/run_metrics.h"
#include "load/worker.h"

namespace ragscale::load {

namespace {

std::atomic<int> g_stop_signals{0};

extern "C" void on_stop_signal(int) { g_stop_signals.fetch_add(1, std::memory_order_relaxed); }

double unix_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

// Gathers one report from every worker.
class ReportCollector {
 public:
  explicit ReportCollector(std::vector<std::unique_ptr<Worker>>& workers) : workers_(workers) {}

  std::vector<WorkerReport> collect() {
    {
      std::lock_guard lock(mutex_);
      reports_.clear();
    }
    for (auto& worker : workers_) {
      worker->collect([this](WorkerReport report) {
        std::lock_guard lock(mutex_);
        reports_.push_back(std::move(report));
        ready_.notify_one();
      });
    }
    std::unique_lock lock(mutex_);
    // A worker that cannot answer in 5 s is stuck in a callback; report what arrived.
    ready_.wait_for(lock, std::chrono::seconds(5), [&] { return reports_.size() == workers_.size(); });
    return std::move(reports_);
  }

 private:
  std::vector<std::unique_ptr<Worker>>& workers_;
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<WorkerReport> reports_;
};

}  // namespace

void request_stop() { g_stop_signals.fetch_add(1, std::memory_order_relaxed); }

int stop_request_count() { return g_stop_signals.load(); }

void install_stop_signal_handlers() {
  struct sigaction action {};
  action.sa_handler = on_stop_signal;
  sigemptyset(&action.sa_mask);
  sigaction(SIGINT, &action, nullptr);
  sigaction(SIGTERM, &action, nullptr);
}

RunOutcome run_load(const scenario::Scenario& scenario, const std::vector<ResolvedTarget>& targets,
                    const LoadPlan& plan, const RunnerSettings& settings) {
  RunOutcome outcome;
  const int threads = std::max(1, settings.threads);
  const bool open_model = plan.model == LoadPlan::Model::kOpen;
  const ExecutionSegment& segment = plan.segment;
  // This generator's exact share of the whole run's iterations (the arrivals it owns among the
  // first N in the open model; the whole run's count of iterations split the same way otherwise).
  IterationBudget budget(plan.iterations ? std::optional<uint64_t>(segment.share(*plan.iterations)) : std::nullopt);
  const uint64_t max_in_flight = std::max<uint64_t>(
      1, static_cast<uint64_t>(std::ceil(static_cast<double>(plan.max_in_flight) * segment.fraction() - 1e-9)));

  std::vector<std::unique_ptr<Worker>> workers;
  for (int i = 0; i < threads; ++i) {
    WorkerSetup setup;
    setup.scenario = &scenario;
    setup.targets = &targets;
    setup.index = i;
    setup.count = threads;
    setup.seed = settings.seed + static_cast<uint64_t>(i) * 0x632BE59BD9B4E019ULL;
    setup.open_model = open_model;
    // Arrivals are dealt round-robin (k % threads), so each worker sees rate/threads;
    // keep the full schedule and let the index pick, so rounding never loses arrivals.
    setup.rate = plan.rate;
    setup.arrivals = plan.arrivals;
    setup.arrival_seed = settings.seed ^ 0xA24BAED4963EE407ULL;
    setup.slos = &settings.slos;
    setup.arrivals_until = plan.run_time;
    setup.max_in_flight = std::max<uint64_t>(1, (max_in_flight + threads - 1) / threads);
    setup.segment = segment;
    setup.request_timeout = settings.request_timeout;
    setup.budget = &budget;
    setup.tls = settings.tls;
    setup.loop_lag = settings.loop_lag;
    workers.push_back(std::make_unique<Worker>(setup));
  }
  ReportCollector collector(workers);

  const int signals_at_start = g_stop_signals.load();
  const auto start = net::Clock::now();
  outcome.stats.begin(unix_now());
  for (auto& worker : workers) worker->start_thread();
  if (open_model) {
    for (auto& worker : workers) worker->start_arrivals(start);
  }

  scenario::ThresholdEvaluator evaluator(settings.thresholds);
  std::vector<uint64_t> user_targets(workers.size(), 0);
  auto elapsed = [&] { return std::chrono::duration<double>(net::Clock::now() - start).count(); };
  const double run_seconds =
      plan.run_time ? std::chrono::duration<double>(*plan.run_time).count() : std::numeric_limits<double>::infinity();

  // The most users seen since the last closed second: a second's user count, so a run
  // shorter than a second still reports the users it had.
  uint64_t users_this_second = 0;
  auto absorb = [&](std::vector<WorkerReport> reports, uint64_t& users, uint64_t& in_flight, bool& finished) {
    users = 0;
    in_flight = 0;
    finished = reports.size() == workers.size();
    for (auto& report : reports) {
      users += report.users;
      in_flight += report.in_flight;
      finished = finished && report.finished;
      outcome.stats.add(std::move(report.interval));
    }
    users_this_second = std::max(users_this_second, users);
    outcome.peak_users = std::max(outcome.peak_users, users);
  };
  auto close_second = [&](uint64_t users_now) {
    outcome.stats.close_second(unix_now(), static_cast<int>(std::max(users_this_second, users_now)));
    users_this_second = users_now;
  };

  double next_second = 1.0;
  uint64_t users = 0;
  uint64_t in_flight = 0;
  bool finished = false;
  // --- the run ---
  for (;;) {
    const double t = elapsed();
    if (g_stop_signals.load() != signals_at_start) {
      outcome.interrupted = true;
      break;
    }
    if (t >= run_seconds) break;
    if (!open_model) {
      // Locust-style integer users: floor of the shape, this segment's share of them, dealt
      // to workers evenly.
      auto target = segment.share(static_cast<uint64_t>(std::floor(plan.users.at(Seconds(t)) + 1e-9)));
      for (size_t i = 0; i < workers.size(); ++i) {
        uint64_t share = target / workers.size() + (i < target % workers.size() ? 1 : 0);
        if (share != user_targets[i]) {
          user_targets[i] = share;
          workers[i]->set_user_target(share);
        }
      }
    }
    if (t >= next_second) {
      next_second += 1.0;
      absorb(collector.collect(), users, in_flight, finished);
      close_second(users);
      if (settings.on_second) settings.on_second(outcome.stats, users, elapsed());
      if (settings.end_early && settings.end_early(outcome.stats, users, elapsed())) break;
      if (!settings.thresholds.empty()) {
        auto evaluation = evaluator.evaluate(RunMetrics(outcome.stats), std::chrono::steady_clock::now());
        if (evaluation.abort) {
          outcome.aborted_by_threshold = true;
          // Where it broke is the point of a stress test: say at how many users and when.
          char where[96];
          std::snprintf(where, sizeof where, " (after %.1f s, at %llu %s)", elapsed(),
                        static_cast<unsigned long long>(users), open_model ? "busy virtual users" : "users");
          outcome.abort_reason = evaluation.abort_reason + where;
          break;
        }
      }
      if (finished && (plan.iterations || open_model)) break;
    }
    if (plan.iterations && budget.exhausted()) {
      // Check more often than once a second so a short bounded run ends promptly.
      absorb(collector.collect(), users, in_flight, finished);
      if (finished) break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }

  // --- graceful stop: no new work, requests in flight get the stop timeout ---
  for (auto& worker : workers) worker->request_stop();
  const int signals_at_stop = g_stop_signals.load();
  const auto stop_deadline = net::Clock::now() + settings.stop_timeout;
  for (;;) {
    absorb(collector.collect(), users, in_flight, finished);
    if (in_flight == 0 && finished) break;
    if (net::Clock::now() >= stop_deadline || g_stop_signals.load() != signals_at_stop) break;
    if (elapsed() >= next_second) {
      next_second += 1.0;
      close_second(users);
      if (settings.on_second) settings.on_second(outcome.stats, users, elapsed());
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  outcome.abandoned_in_flight = in_flight;
  for (auto& worker : workers) worker->stop_and_join();
  for (auto& worker : workers) outcome.stats.add(std::move(worker->final_report().interval));
  close_second(0);
  outcome.stats.finish(unix_now());
  if (settings.on_second) settings.on_second(outcome.stats, 0, elapsed());
  workers.clear();

  outcome.thresholds = evaluator.evaluate(RunMetrics(outcome.stats), std::chrono::steady_clock::now());
  return outcome;
}

}  // namespace ragscale::load
