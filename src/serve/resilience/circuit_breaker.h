// CircuitBreaker: stops calling a dependency that is failing or too slow, and lets a few
// probe calls find out when it has recovered. The state machine is resilience4j's.
//
// Contract:
// - Closed: every call is permitted. Outcomes are counted in a time-based sliding window
//   of `window` (1-second buckets, so it spans between window - 1 s and window). Once
//   the window holds at least minimum_calls outcomes and failures / calls >=
//   failure_rate_threshold or slow / calls >= slow_call_rate_threshold, the breaker
//   opens. A call is slow when it took longer than slow_call_threshold (strictly
//   longer); a slow success counts as slow, a slow failure as both failed and slow.
//   Independently, consecutive_failures failures in a row (no success in between) open
//   it whatever the window says; 0 turns that rule off.
// - Open: no call is permitted. The first try_acquire() or state() at or after
//   open_wait past the opening moves it to half-open (lazily: there is no timer).
// - Half-open: at most half_open_probes probe calls are permitted, counting those in
//   flight and those already answered, so exactly half_open_probes outcomes decide. Any
//   failed probe reopens it at once; so do slow probes once slow / half_open_probes
//   reaches slow_call_rate_threshold. When all half_open_probes probes have answered
//   without either, it closes with an empty window. on_released() gives a probe's slot
//   back without an outcome. Outcomes that arrive while no probe is in flight (calls
//   permitted before the breaker opened) are ignored, as are all outcomes while open.
// - Every permitted call must end in exactly one of on_success, on_failure or
//   on_released; a permitted probe that never ends keeps its slot forever.
// - on_transition, if set, is called for every state change with (from, to), after
//   the internal lock is released, on the thread whose call caused the change; two
//   changes caused on different threads may be reported out of order.
// Thread-safe: one internal mutex; every method is O(1).
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>

#include "serve/resilience/bucketed_window.h"
#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

enum class CircuitState { kClosed, kOpen, kHalfOpen };

// "closed", "open", "half_open".
const char* circuit_state_name(CircuitState state);

struct CircuitBreakerOptions {
  std::chrono::seconds window{10};
  size_t minimum_calls = 10;
  double failure_rate_threshold = 0.5;    // fraction in (0, 1]
  double slow_call_rate_threshold = 0.8;  // fraction in (0, 1]
  Clock::duration slow_call_threshold = std::chrono::seconds(5);
  size_t consecutive_failures = 10;  // 0: off
  Clock::duration open_wait = std::chrono::seconds(5);
  size_t half_open_probes = 3;
  std::function<void(CircuitState from, CircuitState to)> on_transition;

  // Throws std::invalid_argument naming the first option out of range.
  void validate() const;
};

// What a metrics endpoint shows. The window counts are those of the closed state; they
// are not updated while open or half-open, and are emptied when the breaker closes.
struct CircuitBreakerSnapshot {
  CircuitState state = CircuitState::kClosed;
  uint64_t calls_in_window = 0;
  uint64_t failures_in_window = 0;
  uint64_t slow_calls_in_window = 0;
  double failure_rate = 0;    // failures / calls in the window, 0 with no calls
  double slow_call_rate = 0;  // slow / calls in the window, 0 with no calls
  size_t consecutive_failures = 0;
  size_t probes_in_flight = 0;  // half-open only
  uint64_t opened_total = 0;
  uint64_t not_permitted_total = 0;
};

class CircuitBreaker {
 public:
  // Throws std::invalid_argument when options.validate() does.
  explicit CircuitBreaker(CircuitBreakerOptions options);

  // Permission for one call now; false is counted in not_permitted_total.
  bool try_acquire(TimePoint now);

  // The outcome of a permitted call that took `took`.
  void on_success(Clock::duration took, TimePoint now);
  void on_failure(Clock::duration took, TimePoint now);
  // A permitted call that was never made or whose outcome says nothing about the
  // dependency (cancelled by its client): frees a half-open probe, records nothing.
  void on_released(TimePoint now);

  CircuitState state(TimePoint now);
  CircuitBreakerSnapshot snapshot(TimePoint now);
  uint64_t opened_total() const;
  uint64_t not_permitted_total() const;

 private:
  struct Counts {
    uint64_t calls = 0;
    uint64_t failures = 0;
    uint64_t slow = 0;
    Counts& operator+=(const Counts& other);
    Counts& operator-=(const Counts& other);
  };
  // The changes one call made (at most two: open -> half-open -> open), reported after
  // the lock is released.
  struct Changes {
    CircuitState from[2]{};
    CircuitState to[2]{};
    int count = 0;
  };

  void record(bool failed, Clock::duration took, TimePoint now);
  void record_closed(bool failed, bool slow, TimePoint now, Changes& changes);
  void record_probe(bool failed, bool slow, TimePoint now, Changes& changes);
  void advance(TimePoint now, Changes& changes);
  void move_to(CircuitState to, TimePoint now, Changes& changes);
  void report(const Changes& changes) const;

  const CircuitBreakerOptions options_;
  mutable std::mutex mutex_;
  CircuitState state_ = CircuitState::kClosed;
  BucketedWindow<Counts> window_;
  size_t consecutive_failures_ = 0;
  TimePoint opened_at_{};
  size_t probes_in_flight_ = 0;
  size_t probes_answered_ = 0;
  size_t slow_probes_ = 0;
  uint64_t opened_total_ = 0;
  uint64_t not_permitted_total_ = 0;
};

}  // namespace ragscale::serve::resilience
