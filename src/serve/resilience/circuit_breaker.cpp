#include "serve/resilience/circuit_breaker.h"

#include <algorithm>
#include <stdexcept>
#include <string>
#include <utility>

namespace ragscale::serve::resilience {

namespace {

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("circuit breaker: ") + what);
}

bool is_fraction(double value) { return value > 0.0 && value <= 1.0; }

CircuitBreakerOptions validated(CircuitBreakerOptions options) {
  options.validate();
  return options;
}

// part / whole >= threshold, by division so that e.g. 4 of 5 meets 0.8 exactly.
bool reaches(uint64_t part, uint64_t whole, double threshold) {
  return whole > 0 && static_cast<double>(part) / static_cast<double>(whole) >= threshold;
}

}  // namespace

const char* circuit_state_name(CircuitState state) {
  switch (state) {
    case CircuitState::kClosed: return "closed";
    case CircuitState::kOpen: return "open";
    case CircuitState::kHalfOpen: return "half_open";
  }
  return "unknown";
}

void CircuitBreakerOptions::validate() const {
  require(window >= std::chrono::seconds(1), "window must be at least 1s (it is counted in 1-second buckets)");
  require(minimum_calls >= 1, "minimum_calls must be at least 1");
  require(is_fraction(failure_rate_threshold), "failure_rate_threshold must be in (0, 1]");
  require(is_fraction(slow_call_rate_threshold), "slow_call_rate_threshold must be in (0, 1]");
  require(slow_call_threshold > Clock::duration::zero(), "slow_call_threshold must be positive");
  require(open_wait >= Clock::duration::zero(), "open_wait must not be negative");
  require(half_open_probes >= 1, "half_open_probes must be at least 1");
}

CircuitBreaker::Counts& CircuitBreaker::Counts::operator+=(const Counts& other) {
  calls += other.calls;
  failures += other.failures;
  slow += other.slow;
  return *this;
}

CircuitBreaker::Counts& CircuitBreaker::Counts::operator-=(const Counts& other) {
  calls -= other.calls;
  failures -= other.failures;
  slow -= other.slow;
  return *this;
}

CircuitBreaker::CircuitBreaker(CircuitBreakerOptions options)
    : options_(validated(std::move(options))),
      window_(std::chrono::seconds(1), static_cast<size_t>(options_.window.count())) {}

bool CircuitBreaker::try_acquire(TimePoint now) {
  Changes changes;
  bool permitted = false;
  {
    std::lock_guard lock(mutex_);
    advance(now, changes);
    switch (state_) {
      case CircuitState::kClosed: permitted = true; break;
      case CircuitState::kOpen: permitted = false; break;
      case CircuitState::kHalfOpen:
        permitted = probes_in_flight_ + probes_answered_ < options_.half_open_probes;
        if (permitted) ++probes_in_flight_;
        break;
    }
    if (!permitted) ++not_permitted_total_;
  }
  report(changes);
  return permitted;
}

void CircuitBreaker::on_success(Clock::duration took, TimePoint now) { record(false, took, now); }

void CircuitBreaker::on_failure(Clock::duration took, TimePoint now) { record(true, took, now); }

void CircuitBreaker::on_released(TimePoint now) {
  Changes changes;
  {
    std::lock_guard lock(mutex_);
    advance(now, changes);
    if (state_ == CircuitState::kHalfOpen && probes_in_flight_ > 0) --probes_in_flight_;
  }
  report(changes);
}

void CircuitBreaker::record(bool failed, Clock::duration took, TimePoint now) {
  const bool slow = took > options_.slow_call_threshold;
  Changes changes;
  {
    std::lock_guard lock(mutex_);
    advance(now, changes);
    if (state_ == CircuitState::kClosed) record_closed(failed, slow, now, changes);
    if (state_ == CircuitState::kHalfOpen) record_probe(failed, slow, now, changes);
  }
  report(changes);
}

void CircuitBreaker::record_closed(bool failed, bool slow, TimePoint now, Changes& changes) {
  consecutive_failures_ = failed ? consecutive_failures_ + 1 : 0;
  window_.add({1, failed ? 1u : 0u, slow ? 1u : 0u}, now);
  const Counts& total = window_.total(now);
  const bool rate_tripped = total.calls >= options_.minimum_calls &&
                            (reaches(total.failures, total.calls, options_.failure_rate_threshold) ||
                             reaches(total.slow, total.calls, options_.slow_call_rate_threshold));
  const bool streak_tripped =
      options_.consecutive_failures > 0 && consecutive_failures_ >= options_.consecutive_failures;
  if (rate_tripped || streak_tripped) move_to(CircuitState::kOpen, now, changes);
}

void CircuitBreaker::record_probe(bool failed, bool slow, TimePoint now, Changes& changes) {
  if (probes_in_flight_ == 0) return;  // a call permitted before the breaker opened
  --probes_in_flight_;
  ++probes_answered_;
  if (slow) ++slow_probes_;
  if (failed || reaches(slow_probes_, options_.half_open_probes, options_.slow_call_rate_threshold)) {
    move_to(CircuitState::kOpen, now, changes);
  } else if (probes_answered_ >= options_.half_open_probes) {
    move_to(CircuitState::kClosed, now, changes);
  }
}

void CircuitBreaker::advance(TimePoint now, Changes& changes) {
  if (state_ == CircuitState::kOpen && now - opened_at_ >= options_.open_wait) {
    move_to(CircuitState::kHalfOpen, now, changes);
  }
}

void CircuitBreaker::move_to(CircuitState to, TimePoint now, Changes& changes) {
  changes.from[changes.count] = state_;
  changes.to[changes.count] = to;
  ++changes.count;
  state_ = to;
  consecutive_failures_ = 0;
  probes_in_flight_ = 0;
  probes_answered_ = 0;
  slow_probes_ = 0;
  if (to == CircuitState::kOpen) {
    opened_at_ = now;
    ++opened_total_;
  } else if (to == CircuitState::kClosed) {
    window_.clear();
  }
}

void CircuitBreaker::report(const Changes& changes) const {
  if (!options_.on_transition) return;
  for (int i = 0; i < changes.count; ++i) options_.on_transition(changes.from[i], changes.to[i]);
}

CircuitState CircuitBreaker::state(TimePoint now) {
  Changes changes;
  CircuitState current;
  {
    std::lock_guard lock(mutex_);
    advance(now, changes);
    current = state_;
  }
  report(changes);
  return current;
}

CircuitBreakerSnapshot CircuitBreaker::snapshot(TimePoint now) {
  Changes changes;
  CircuitBreakerSnapshot out;
  {
    std::lock_guard lock(mutex_);
    advance(now, changes);
    const Counts& total = window_.total(now);
    out.state = state_;
    out.calls_in_window = total.calls;
    out.failures_in_window = total.failures;
    out.slow_calls_in_window = total.slow;
    if (total.calls > 0) {
      out.failure_rate = static_cast<double>(total.failures) / static_cast<double>(total.calls);
      out.slow_call_rate = static_cast<double>(total.slow) / static_cast<double>(total.calls);
    }
    out.consecutive_failures = consecutive_failures_;
    out.probes_in_flight = probes_in_flight_;
    out.opened_total = opened_total_;
    out.not_permitted_total = not_permitted_total_;
  }
  report(changes);
  return out;
}

uint64_t CircuitBreaker::opened_total() const {
  std::lock_guard lock(mutex_);
  return opened_total_;
}

uint64_t CircuitBreaker::not_permitted_total() const {
  std::lock_guard lock(mutex_);
  return not_permitted_total_;
}

}  // namespace ragscale::serve::resilience
