// RetryBudget: caps retries at a fraction of the traffic, so that an outage of the
// dependency cannot multiply the load on it (retry storms).
//
// Contract:
// - on_attempt(now) counts one first attempt (never a retry). try_retry(now) permits and
//   counts one retry when, with it, the retries in the window stay within
//   max(min_retries_per_window, ratio * first attempts in the window): a retry is earned
//   whole, so 9 attempts at ratio 0.1 earn none and 10 earn one. Otherwise it counts a
//   refusal and the caller gives up (or fails over) instead of retrying.
// - The window is `window` long, counted in 10 buckets (so it spans 0.9 to 1.0 window).
// - With the defaults (ratio 0.1) an outage adds at most 10% to the first attempts: the
//   dependency sees at most 1.1x the traffic it would see without retries, however many
//   retries each request would like to make.
// - The floor: below min_retries_per_window / ratio first attempts per window (30 per
//   10 s with the defaults, i.e. 3 requests a second) the ratio alone would allow less
//   than one retry, and a quiet service could never retry a transient error. The floor
//   of 3 retries per 10 s keeps retries useful there while its absolute cost stays
//   negligible (0.3 extra requests a second, whatever the outage). Unlike Finagle's and
//   tower's budgets, the floor is not added on top of the ratio but is a minimum of it,
//   so at high traffic the bound is exactly 1 + ratio. Set it to 0 for a pure ratio.
// Thread-safe: one internal mutex.
#pragma once

#include <cstdint>
#include <mutex>

#include "serve/resilience/bucketed_window.h"
#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

class RetryBudget {
 public:
  // Throws std::invalid_argument unless ratio is finite and >= 0 and window >= 10 ns.
  explicit RetryBudget(double ratio = 0.1, size_t min_retries_per_window = 3,
                       Clock::duration window = std::chrono::seconds(10));

  void on_attempt(TimePoint now);
  bool try_retry(TimePoint now);

  uint64_t retries_total() const;
  uint64_t refused_total() const;

 private:
  struct Counts {
    uint64_t attempts = 0;
    uint64_t retries = 0;
    Counts& operator+=(const Counts& other);
    Counts& operator-=(const Counts& other);
  };

  const double ratio_;
  const size_t min_retries_;
  mutable std::mutex mutex_;
  BucketedWindow<Counts> window_;
  uint64_t retries_total_ = 0;
  uint64_t refused_total_ = 0;
};

}  // namespace ragscale::serve::resilience
