#include "serve/resilience/backoff.h"

#include <algorithm>
#include <cmath>

namespace ragscale::serve::resilience {

namespace {

Clock::duration non_negative(Clock::duration d) { return std::max(d, Clock::duration::zero()); }

}  // namespace

Clock::duration full_jitter_backoff(int attempt, Clock::duration base, Clock::duration cap, double uniform01) {
  const double u = std::isnan(uniform01) ? 0.0 : std::clamp(uniform01, 0.0, 1.0);
  const auto cap_ticks = static_cast<double>(non_negative(cap).count());
  // ldexp overflows to +inf for huge attempts, and min() then picks the cap.
  const double ceiling = std::min(cap_ticks, std::ldexp(static_cast<double>(non_negative(base).count()),
                                                        std::max(attempt, 1) - 1));
  // At the cap, return it exactly: a cap near duration::max() does not survive the
  // round trip through double.
  const double ticks = u * ceiling;
  if (ticks >= cap_ticks) return non_negative(cap);
  return Clock::duration(static_cast<Clock::rep>(ticks));
}

std::optional<Clock::duration> retry_delay(int attempt, Clock::duration base, Clock::duration cap,
                                           double uniform01, std::optional<Clock::duration> retry_after,
                                           TimePoint now, TimePoint deadline, Clock::duration min_attempt_time) {
  Clock::duration delay = full_jitter_backoff(attempt, base, cap, uniform01);
  if (retry_after) delay = std::max(delay, non_negative(*retry_after));
  if (now >= deadline) return std::nullopt;
  // Compared as "delay <= time left - attempt time" so that no sum can overflow.
  const Clock::duration room = (deadline - now) - non_negative(min_attempt_time);
  if (room < Clock::duration::zero() || delay > room) return std::nullopt;
  return delay;
}

}  // namespace ragscale::serve::resilience
