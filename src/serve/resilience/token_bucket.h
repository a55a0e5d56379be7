// TokenBucket: a rate limit with bursts, answered with what rate-limit headers need.
//
// Contract:
// - The bucket holds up to `burst` tokens, starts full, and refills continuously at
//   rate_per_second (fractional tokens accumulate). try_take(now, cost) takes `cost`
//   tokens if they are there (allowed) or takes nothing (refused).
// - Decision: `remaining` is the tokens left after the decision; `retry_after` is, when
//   refused, the wait until `cost` tokens will be there (0 when allowed) — retrying at
//   now + retry_after succeeds if nothing else took tokens meanwhile; `reset` is the
//   wait until the bucket is full again. A cost above the burst can never pass:
//   too_large is set and retry_after is 0. Waits are rounded up to the clock's tick.
// - Time that goes backwards refills nothing. A negative or NaN cost throws
//   std::invalid_argument; cost 0 is always allowed.
// Not thread-safe: KeyedRateLimiter (or the caller) serializes access.
//
// parse_rate() reads the configuration syntax "N/UNIT" or "N/UNIT:burst=B": N and B are
// positive numbers ("0.5" is fine), UNIT is one of s, sec, second, min, minute, h, hour
// (any case), spaces around the parts are ignored. The burst defaults to N (a whole
// unit's allowance at once: "100/min" passes 100 requests, then one every 0.6 s) but is
// at least 1, and an explicit burst must be at least 1 — a bucket that cannot hold one
// token would refuse everything. Anything else throws std::invalid_argument saying what
// is accepted. The spec also keeps the rate as written (per_window requests per
// window_seconds: 100 and 60 for "100/min"), for headers that state a limit per window.
#pragma once

#include <string_view>

#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

struct RateSpec {
  double per_second = 0;
  double burst = 0;
  double per_window = 0;      // N of "N/UNIT"
  double window_seconds = 0;  // UNIT in seconds
};

RateSpec parse_rate(std::string_view text);

class TokenBucket {
 public:
  struct Decision {
    bool allowed = false;
    bool too_large = false;
    double remaining = 0;
    Clock::duration retry_after{};
    Clock::duration reset{};
  };

  // Throws std::invalid_argument unless rate_per_second > 0 and burst > 0 (both finite).
  TokenBucket(double rate_per_second, double burst);
  explicit TokenBucket(RateSpec spec) : TokenBucket(spec.per_second, spec.burst) {}

  Decision try_take(TimePoint now, double cost = 1);

  // Tokens at `now`, without taking any.
  double tokens(TimePoint now) const;
  bool full(TimePoint now) const;
  // How long an empty bucket takes to fill: a bucket untouched that long is full.
  Clock::duration time_to_fill() const;
  double rate_per_second() const { return rate_; }
  double burst() const { return burst_; }

 private:
  Clock::duration time_to_gain(double tokens) const;

  double rate_;
  double burst_;
  double level_;
  TimePoint updated_{};
  bool started_ = false;
};

}  // namespace ragscale::serve::resilience
