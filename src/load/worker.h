// Worker: one thread with its own event loop, statistics shard and share of the users.
// Nothing on the request path is shared between workers; the controller talks to a
// worker only by posting tasks to its loop, and collects its statistics once a second.
//
// Closed model: the controller sets how many users this worker should run; the worker
// starts users (segment user index = worker index + k * worker count, numbered in the whole
// run by the execution segment) or stops the most recent ones. Open model: the worker owns
// every count-th of the segment's arrivals (k % count == index for the whole run),
// dispatches each to an idle virtual user, creates users up to its share of the
// in-flight bound, queues the rest in a backlog of the same size and drops beyond that.
#pragma once

#include <algorithm>
#include <atomic>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <thread>
#include <vector>

#include "load/arrival_process.h"
#include "load/compiled_scenario.h"
#include "load/llm/slo.h"
#include "load/load_shape.h"
#include "load/segment/execution_segment.h"
#include "load/virtual_user.h"
#include "net/event_loop.h"
#include "net/loop_lag_probe.h"
#include "net/tls_context.h"
#include "stats/stats_shard.h"

namespace ragscale::load {

// The run-wide iteration bound, shared by all workers (one atomic per task start).
class IterationBudget {
 public:
  explicit IterationBudget(std::optional<uint64_t> limit)
      : remaining_(limit ? static_cast<int64_t>(*limit) : INT64_MAX) {}
  bool claim() { return remaining_.fetch_sub(1, std::memory_order_relaxed) > 0; }
  bool exhausted() const { return remaining_.load(std::memory_order_relaxed) <= 0; }

 private:
  std::atomic<int64_t> remaining_;
};

struct WorkerSetup {
  const scenario::Scenario* scenario = nullptr;
  const std::vector<ResolvedTarget>* targets = nullptr;
  int index = 0;
  int count = 1;
  uint64_t seed = 0;
  bool open_model = false;
  StagedValue rate;                 // open model: iterations/s for the whole run
  ArrivalSpec arrivals;             // open model: the arrival process (same for every worker)
  uint64_t arrival_seed = 0;        // the run's one arrival sequence (same for every worker)
  // Open model: no arrival is scheduled at or after this offset (the run time).
  std::optional<std::chrono::microseconds> arrivals_until;
  uint64_t max_in_flight = 1000;    // this worker's share
  std::optional<std::chrono::microseconds> request_timeout;  // overrides the scenario's
  IterationBudget* budget = nullptr;
  // The share of the whole run this generator runs: users and arrivals carry their numbers
  // in the whole run, and this worker takes every count-th of the segment's own.
  ExecutionSegment segment;
  const std::vector<llm::Slo>* slos = nullptr;  // judged per request; null or empty = none
  net::TlsOptions tls;  // for https targets (this worker's own TLS context)
  // When set (load --scrape), the worker's loop runs a lag probe recording into it.
  net::LoopLag* loop_lag = nullptr;
};

// What a worker reports once a second.
struct WorkerReport {
  int worker = 0;
  IntervalStats interval;
  uint64_t users = 0;       // most running users (closed) or busy virtual users (open) since the last report
  uint64_t in_flight = 0;   // requests on the wire
  bool finished = false;    // no user left and nothing more to start
};

class Worker {
 public:
  explicit Worker(const WorkerSetup& setup);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // --- controller side (any thread) ---
  void start_thread();
  void set_user_target(uint64_t users);
  void start_arrivals(net::TimePoint run_start);
  void request_stop();
  void collect(std::function<void(WorkerReport)> sink);
  void stop_and_join();
  // After stop_and_join: what was recorded since the last collect.
  WorkerReport final_report();

  // --- loop side, used by VirtualUser ---
  net::EventLoop& loop() { return loop_; }
  StatsShard& shard() { return shard_; }
  const std::optional<std::chrono::microseconds>& request_timeout() const { return setup_.request_timeout; }
  std::span<const llm::Slo> slos() const {
    return setup_.slos ? std::span<const llm::Slo>(*setup_.slos) : std::span<const llm::Slo>();
  }
  // The worker's TLS context; null when no target is https.
  net::TlsContext* tls_context() { return tls_context_.get(); }
  bool claim_iteration();
  void on_iteration_done(VirtualUser& user);
  void on_user_halted(VirtualUser& user);

 private:
  void adjust_users();
  void schedule_next_arrival();
  void dispatch_arrival(net::TimePoint intended);
  VirtualUser* new_user(VirtualUser::Mode mode);
  void retire(VirtualUser& user);
  WorkerReport make_report();

  WorkerSetup setup_;
  net::EventLoop loop_;
  std::unique_ptr<net::LoopLagProbe> lag_probe_;  // null unless setup_.loop_lag
  StatsShard shard_;
  std::unique_ptr<net::TlsContext> tls_context_;
  uint64_t tls_handshakes_reported_ = 0;
  uint64_t tls_resumed_reported_ = 0;
  CompiledScenario compiled_;
  std::thread thread_;

  // Closed model.
  std::vector<std::unique_ptr<VirtualUser>> users_;  // running, oldest first
  uint64_t user_target_ = 0;
  uint64_t next_user_ordinal_ = 0;
  // Users stopped while a request was in flight, kept until it completes.
  std::vector<std::unique_ptr<VirtualUser>> retiring_;

  // Open model.
  net::Timer arrival_timer_;
  net::TimePoint run_start_;
  uint64_t next_own_arrival_ = 0;  // among the segment's arrivals: index, index + count, ...
  uint64_t next_arrival_ = 0;      // the same arrival's number in the whole run's schedule
  // The run's arrival sequence, walked up to this worker's next arrival.
  ArrivalSequence arrival_sequence_;
  uint64_t sequence_taken_ = 0;  // values taken from arrival_sequence_
  double sequence_value_ = 0;    // the last of them
  double cumulative_arrivals(uint64_t k);
  bool arrivals_ended_ = false;
  std::vector<VirtualUser*> idle_;
  std::deque<net::TimePoint> backlog_;

  uint64_t users_peak_ = 0;  // since the last report
  bool stopping_ = false;

  uint64_t active_users() const { return setup_.open_model ? users_.size() - idle_.size() : users_.size(); }
  void note_users() { users_peak_ = std::max(users_peak_, active_users()); }
};

}  // namespace ragscale::load
