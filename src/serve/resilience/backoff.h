// Retry delays: exponential backoff with full jitter, and the delay a retry must wait
// given the server's Retry-After and the request's deadline.
//
// Contract:
// - full_jitter_backoff(attempt, base, cap, u) is AWS's "full jitter": a delay drawn
//   uniformly from [0, min(cap, base * 2^(attempt - 1))), where attempt is the 1-based
//   retry number (the first retry waits up to `base`, the second up to 2 * base, ...) and
//   u in [0, 1) is the caller's uniform random number (u outside [0, 1] is clamped, an
//   attempt below 1 counts as 1). Pure: no state, no clock, no randomness of its own.
// - retry_delay() is the delay before retry `attempt`: the jittered backoff, but never
//   less than the server's Retry-After (which may exceed cap: the server knows best).
//   It returns nullopt when the retry would not start at least min_attempt_time before
//   the deadline, i.e. now + delay + min_attempt_time > deadline: a retry with no time
//   left to finish only adds load.
// Thread-safe: pure functions. Durations are Clock::duration; negative inputs count as 0.
#pragma once

#include <optional>

#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

Clock::duration full_jitter_backoff(int attempt, Clock::duration base, Clock::duration cap, double uniform01);

std::optional<Clock::duration> retry_delay(int attempt, Clock::duration base, Clock::duration cap,
                                           double uniform01, std::optional<Clock::duration> retry_after,
                                           TimePoint now, TimePoint deadline,
                                           Clock::duration min_attempt_time = std::chrono::milliseconds(100));

}  // namespace ragscale::serve::resilience
