// AdaptiveConcurrencyLimit: how many requests may be in flight at once, found from the
// latency the dependency shows (Netflix concurrency-limits' Gradient2 algorithm).
//
// Contract:
// - try_acquire(now) returns a Ticket while in_flight() < limit(), else nullopt (shed the
//   request, counted in rejected_total()). Every Ticket must end in exactly one of
//   on_success (a normal answer: its RTT, now - ticket.start, is a sample), on_dropped
//   (a timeout or an overload answer) or on_ignored (cancelled, or an answer that says
//   nothing about load, e.g. a 4xx).
// - RTT samples are averaged in windows: a window closes with the first sample at least
//   `window` after it opened that finds it holding at least window_samples samples.
//   Per closed window, with short = the window's mean RTT and long = an exponential
//   average of short over about long_window windows (the first 10 plainly averaged):
//     gradient = clamp(long / short, 0.5, 1)        queueing shows as short > long
//     target   = limit * gradient + queue_size      room to grow while RTT holds
//     limit    = limit * (1 - smoothing) + target * smoothing, clamped to [min, max]
//   A window in which in-flight never reached half the limit leaves the limit alone
//   (the load, not the dependency, was the bound). When long > 2 * short (load has
//   ended and the baseline lags), long decays by 10% per window to catch up.
// - on_dropped() multiplies the limit by backoff_ratio, at most once per "flight": a
//   drop of a ticket issued before the last decrease does not decrease again, so a
//   burst of timeouts of requests sent together costs one step (TCP's one reduction per
//   window), while drops that persist keep stepping down.
// - limit() is the estimate rounded down; it never leaves [min_limit, max_limit]. RTT
//   alone cannot push it below 2 * queue_size (where a gradient of 0.5 balances the
//   queue allowance: 8 with the defaults); drops can take it down to min_limit.
// Thread-safe: one internal mutex; every call is O(1).
//
// Why Gradient2: Vegas (and Envoy's gradient controller) compare against a minimum RTT
// as the no-load baseline. Requests of a RAG service vary widely (retrieval only, or
// long generations), so a minimum is biased towards the cheapest request and sheds too
// much; Envoy also re-measures it by pinning concurrency to a floor for a while every
// interval, which queues or drops real traffic on a schedule. Gradient2 uses averages,
// needs no probing, and follows a baseline that changes. Its cost: a latency increase
// that persists for many windows becomes the new baseline, so the degradation ladder's
// queue-delay rule, not this limit, guards against slow creep.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>

#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

struct ConcurrencyLimitOptions {
  size_t initial_limit = 20;
  size_t min_limit = 4;
  size_t max_limit = 1000;
  double smoothing = 0.2;      // in (0, 1]: how much of each new target is taken
  size_t long_window = 600;    // windows in the long-term RTT average
  double queue_size = 4;       // >= 0: growth allowance per window (Gradient2's default)
  Clock::duration window = std::chrono::seconds(1);
  size_t window_samples = 10;  // >= 1
  double backoff_ratio = 0.9;  // in (0, 1)

  // Throws std::invalid_argument naming the first option out of range, including
  // initial_limit outside [min_limit, max_limit] and min_limit 0.
  void validate() const;
};

class AdaptiveConcurrencyLimit {
 public:
  using Options = ConcurrencyLimitOptions;

  struct Ticket {
    TimePoint start;
    size_t in_flight = 0;  // including this request, when it was admitted
  };

  struct Snapshot {
    size_t limit = 0;
    size_t in_flight = 0;
    double estimated_limit = 0;
    Clock::duration long_rtt{};   // the baseline; 0 before the first window
    Clock::duration short_rtt{};  // the last window's mean
    uint64_t rejected_total = 0;
    uint64_t dropped_total = 0;
  };

  explicit AdaptiveConcurrencyLimit(Options options = {});

  std::optional<Ticket> try_acquire(TimePoint now);
  void on_success(const Ticket& ticket, TimePoint now);
  void on_dropped(const Ticket& ticket, TimePoint now);
  void on_ignored(const Ticket& ticket);

  size_t limit() const;
  size_t in_flight() const;
  uint64_t rejected_total() const;
  Snapshot snapshot() const;

 private:
  void release();
  void close_window();
  size_t current_limit() const;

  const Options options_;
  mutable std::mutex mutex_;
  double estimate_;
  size_t in_flight_ = 0;
  // The open sample window.
  bool window_open_ = false;
  TimePoint window_start_{};
  double window_rtt_sum_ = 0;  // seconds
  size_t window_count_ = 0;
  size_t window_max_in_flight_ = 0;
  // RTTs in seconds.
  double long_rtt_ = 0;
  size_t long_samples_ = 0;
  double short_rtt_ = 0;
  TimePoint last_decrease_ = TimePoint::min();
  uint64_t rejected_total_ = 0;
  uint64_t dropped_total_ = 0;
};

}  // namespace ragscale::serve::resilience
