#include "load/worker.h"

#include <algorithm>

namespace ragscale::load {

namespace {
// An arrival that starts this much after its intended time counts as late.
constexpr auto kLateAfter = std::chrono::milliseconds(5);

std::unique_ptr<net::TlsContext> tls_context_for(const WorkerSetup& setup) {
  for (const ResolvedTarget& target : *setup.targets) {
    if (target.tls) return std::make_unique<net::TlsContext>(setup.tls);
  }
  return nullptr;
}
}  // namespace

Worker::Worker(const WorkerSetup& setup)
    : setup_(setup),
      lag_probe_(setup.loop_lag ? std::make_unique<net::LoopLagProbe>(loop_, *setup.loop_lag) : nullptr),
      tls_context_(tls_context_for(setup)),
      compiled_(compile_scenario(*setup.scenario, *setup.targets, shard_)),
      arrival_timer_([this] { schedule_next_arrival(); }),
      arrival_sequence_(setup.arrivals, setup.arrival_seed) {
  next_own_arrival_ = static_cast<uint64_t>(setup_.index);
  next_arrival_ = setup_.segment.nth_owned(next_own_arrival_);
}

Worker::~Worker() {
  loop_.disarm(arrival_timer_);
  users_.clear();
  retiring_.clear();
}

void Worker::start_thread() {
  if (lag_probe_) loop_.post([this] { lag_probe_->start(); });
  thread_ = std::thread([this] { loop_.run(); });
}

void Worker::set_user_target(uint64_t users) {
  loop_.post([this, users] {
    user_target_ = users;
    adjust_users();
  });
}

void Worker::start_arrivals(net::TimePoint run_start) {
  loop_.post([this, run_start] {
    run_start_ = run_start;
    schedule_next_arrival();
  });
}

void Worker::request_stop() {
  loop_.post([this] {
    // Arrivals that fell due before the stop are started (late, if this thread was
    // behind), not lost: the run's arrival count does not depend on scheduling jitter.
    if (setup_.open_model && !stopping_) schedule_next_arrival();
    stopping_ = true;
    loop_.disarm(arrival_timer_);
    for (size_t i = 0; i < backlog_.size(); ++i) shard_.record_dropped();
    backlog_.clear();
    // stop() may halt a user at once, which retires it from users_: iterate a copy.
    std::vector<VirtualUser*> running;
    for (auto& user : users_) running.push_back(user.get());
    for (VirtualUser* user : running) user->stop();
  });
}

void Worker::collect(std::function<void(WorkerReport)> sink) {
  loop_.post([this, sink = std::move(sink)] { sink(make_report()); });
}

void Worker::stop_and_join() {
  loop_.stop();
  if (thread_.joinable()) thread_.join();
}

WorkerReport Worker::final_report() { return make_report(); }

WorkerReport Worker::make_report() {
  WorkerReport report;
  report.worker = setup_.index;
  report.interval = shard_.take_interval();
  if (tls_context_) {
    const uint64_t handshakes = tls_context_->handshakes();
    const uint64_t resumed = tls_context_->resumed();
    report.interval.tls_handshakes = handshakes - tls_handshakes_reported_;
    report.interval.tls_resumed = resumed - tls_resumed_reported_;
    tls_handshakes_reported_ = handshakes;
    tls_resumed_reported_ = resumed;
  }
  uint64_t in_flight = 0;
  for (const auto& user : users_) in_flight += user->request_in_flight() ? 1 : 0;
  for (const auto& user : retiring_) in_flight += user->request_in_flight() ? 1 : 0;
  report.in_flight = in_flight;
  report.users = std::max(users_peak_, active_users());
  users_peak_ = active_users();
  bool nothing_to_start = stopping_ || setup_.budget->exhausted() || (setup_.open_model && arrivals_ended_);
  bool nothing_running = setup_.open_model ? (users_.size() == idle_.size() && backlog_.empty()) : users_.empty();
  report.finished = nothing_to_start && nothing_running && retiring_.empty();
  return report;
}

bool Worker::claim_iteration() { return !stopping_ && setup_.budget->claim(); }

VirtualUser* Worker::new_user(VirtualUser::Mode mode) {
  const uint64_t segment_index =
      static_cast<uint64_t>(setup_.index) + next_user_ordinal_ * static_cast<uint64_t>(setup_.count);
  ++next_user_ordinal_;
  // Its number in the whole run: the user class and user_data rows follow the whole run's.
  const uint64_t global_index = setup_.segment.nth_owned(segment_index);
  const CompiledClass& user_class = compiled_.classes[compiled_.class_of(global_index)];
  users_.push_back(std::make_unique<VirtualUser>(*this, user_class, global_index, setup_.seed, mode));
  note_users();
  return users_.back().get();
}

void Worker::adjust_users() {
  while (!stopping_ && users_.size() < user_target_ && !setup_.budget->exhausted()) {
    new_user(VirtualUser::Mode::kClosed)->start();
  }
  while (users_.size() > user_target_) {
    VirtualUser* newest = users_.back().get();
    newest->stop();  // halts (and leaves users_) now, or once its request in flight completes
    if (!newest->halted()) {
      retiring_.push_back(std::move(users_.back()));
      users_.pop_back();
    }
  }
}

void Worker::retire(VirtualUser& user) {
  auto take = [&](std::vector<std::unique_ptr<VirtualUser>>& from) -> std::unique_ptr<VirtualUser> {
    auto it = std::find_if(from.begin(), from.end(), [&](const auto& u) { return u.get() == &user; });
    if (it == from.end()) return nullptr;
    std::unique_ptr<VirtualUser> owned = std::move(*it);
    from.erase(it);
    return owned;
  };
  std::unique_ptr<VirtualUser> owned = take(users_);
  if (!owned) owned = take(retiring_);
  if (!owned) return;
  idle_.erase(std::remove(idle_.begin(), idle_.end(), &user), idle_.end());
  // The user may be inside its own callback: destroy it after this batch of events.
  VirtualUser* raw = owned.release();
  loop_.defer([raw] { delete raw; });
}

void Worker::on_user_halted(VirtualUser& user) { retire(user); }

// --- open model ---------------------------------------------------------------------

double Worker::cumulative_arrivals(uint64_t k) {
  while (sequence_taken_ <= k) {
    sequence_value_ = arrival_sequence_.next();
    ++sequence_taken_;
  }
  return sequence_value_;
}

void Worker::schedule_next_arrival() {
  const net::TimePoint now = net::Clock::now();
  while (!stopping_) {
    auto offset = setup_.rate.time_of_cumulative(cumulative_arrivals(next_arrival_));
    if (!offset || (setup_.arrivals_until && *offset >= *setup_.arrivals_until)) {
      arrivals_ended_ = true;
      return;
    }
    auto intended = run_start_ + std::chrono::duration_cast<net::Clock::duration>(*offset);
    if (intended > now) {
      loop_.arm(arrival_timer_, intended);
      return;
    }
    next_own_arrival_ += static_cast<uint64_t>(setup_.count);
    next_arrival_ = setup_.segment.nth_owned(next_own_arrival_);
    if (!setup_.budget->claim()) {
      arrivals_ended_ = true;
      return;
    }
    dispatch_arrival(intended);
  }
}

void Worker::dispatch_arrival(net::TimePoint intended) {
  VirtualUser* user = nullptr;
  if (!idle_.empty()) {
    user = idle_.back();
    idle_.pop_back();
  } else if (users_.size() < setup_.max_in_flight) {
    user = new_user(VirtualUser::Mode::kOpen);
  } else if (backlog_.size() < setup_.max_in_flight) {
    backlog_.push_back(intended);
    return;
  } else {
    shard_.record_dropped();
    return;
  }
  if (net::Clock::now() - intended > kLateAfter) shard_.record_late();
  user->run_iteration(intended);
  note_users();
}

void Worker::on_iteration_done(VirtualUser& user) {
  if (!backlog_.empty() && !stopping_) {
    net::TimePoint intended = backlog_.front();
    backlog_.pop_front();
    if (net::Clock::now() - intended > kLateAfter) shard_.record_late();
    user.run_iteration(intended);
    return;
  }
  if (stopping_) {
    user.stop();
    return;
  }
  idle_.push_back(&user);
}

}  // namespace ragscale::load
