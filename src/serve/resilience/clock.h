// The one clock of the resilience policies.
//
// Contract: every policy in serve/resilience takes the current time as an explicit
// `TimePoint now` argument and never reads a clock itself, so tests drive it with a
// hand-advanced time point and the service passes Clock::now() (or the event loop's
// cached iteration time). Durations are Clock::duration (nanoseconds on Linux).
#pragma once

#include <chrono>

namespace ragscale::serve::resilience {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

}  // namespace ragscale::serve::resilience
