// ModelAdmission: how many model calls may be in flight at once, and the bounded wait
// for one of those places. The limit is adaptive (resilience::AdaptiveConcurrencyLimit,
// Gradient2): it follows the model's latency, so the service finds how much the backend
// takes instead of relying on a hand-set number — a model that starts queueing shows it
// as rising latency, the limit comes down, and the excess waits here, where its wait is
// bounded, instead of in the backend's queue, where it is not.
//
// Contract:
// - acquire(granted) returns at once. `granted` runs exactly once: with a ticket (at
//   once when a place is free and nobody waits, later when one frees up, first come
//   first served), or with none when the wait would pass max_wait, the queue of
//   max_waiting waiters is full, or the admission shut down — and at once when the
//   waiters ahead are more than the places that free up within max_wait at the recent
//   rate (a wait that would end in a refusal anyway costs the question nothing; the
//   fallback or the 503 comes in microseconds, not after max_wait). It runs on the calling
//   thread, a releasing thread or the expiry thread: it must be quick.
// - Each ticket is released exactly once with the call's outcome: kSuccess (its latency
//   is a sample), kDropped (timeout, 429/503: the model is overloaded), kIgnored
//   (cancelled, or a failure that says nothing about load).
// - Thread-safe. shutdown() answers every waiter with none and stops the expiry thread.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>

#include "serve/query/pipeline_metrics.h"
#include "serve/resilience/concurrency_limit.h"

namespace ragscale::serve {

class ModelAdmission {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = resilience::AdaptiveConcurrencyLimit::Ticket;
  using Granted = std::function<void(std::optional<Ticket> ticket)>;
  enum class Outcome { kSuccess, kDropped, kIgnored };

  struct Options {
    std::chrono::milliseconds max_wait{1000};
    size_t max_waiting = 256;
    resilience::ConcurrencyLimitOptions limit;
  };

  ModelAdmission(Options options, PipelineMetrics& metrics);
  ~ModelAdmission();
  ModelAdmission(const ModelAdmission&) = delete;
  ModelAdmission& operator=(const ModelAdmission&) = delete;

  void acquire(Granted granted);
  void release(const Ticket& ticket, Outcome outcome);
  void shutdown();

  size_t limit() const { return limit_.limit(); }
  size_t in_flight() const { return limit_.in_flight(); }
  size_t waiting() const;

 private:
  struct Waiter {
    Granted granted;
    Clock::time_point since;
  };
  void grant_waiters();
  void expire();
  // Counts a place given (under the lock); keeps `throughput_`, places given a second.
  void count_grant(Clock::time_point now);
  // Whether a new waiter could be given a place within max_wait (under the lock).
  bool could_wait() const;

  Options options_;
  PipelineMetrics& metrics_;
  resilience::AdaptiveConcurrencyLimit limit_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Waiter> waiters_;
  bool stopping_ = false;
  double throughput_ = 0;  // places given per second, smoothed over one-second windows
  Clock::time_point window_start_{};
  uint64_t window_grants_ = 0;
  std::thread expiry_;
};

}  // namespace ragscale::serve
