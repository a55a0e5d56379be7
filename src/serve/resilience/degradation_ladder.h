// DegradationLadder: which service mode to run in, from the pressure the service is
// under, one rung at a time and with hysteresis so that it does not flap.
//
// Contract:
// - The rungs, best first: kFull, kReduced, kExtractive, kCachedOnly, kRefuse.
// - update(pressure, now) is called with each interval's measurements. Pressure is
//   high when queue_delay_seconds > down_queue_delay_seconds or shed_rate >
//   down_shed_rate; calm when queue_delay_seconds <= up_queue_delay_seconds and
//   shed_rate <= up_shed_rate (by default half the down thresholds); in between (or
//   NaN) it is neither, and holds the mode.
// - Down: under high pressure that has lasted down_hold, the mode steps down one rung,
//   and again after each further down_hold while it lasts (at most one step per
//   down_hold). A single high sample between calm ones steps nothing.
// - Up: once pressure has been calm for up_hold without a break, the mode steps up one
//   rung; each further rung needs another up_hold of calm.
// - llm_breaker_open forces at least kExtractive at once (no hold: the LLM is not
//   answering), and keeps the mode there or below while it stays open; pressure can
//   still push it further down. When the breaker closes, the mode climbs back as from
//   any step down: one rung per up_hold of calm counted from the closing, so the LLM
//   gets reduced traffic first.
// - on_change, if set, is called for every change with (from, to) after the internal
//   lock is released; changes caused on different threads may be reported out of order.
// Thread-safe: one internal mutex.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>

#include "serve/resilience/clock.h"

namespace ragscale::serve::resilience {

enum class ServiceMode { kFull, kReduced, kExtractive, kCachedOnly, kRefuse };

// "full", "reduced", "extractive", "cached", "refuse".
const char* service_mode_name(ServiceMode mode);

struct Pressure {
  double queue_delay_seconds = 0;
  bool llm_breaker_open = false;
  double shed_rate = 0;  // fraction of requests shed in the last interval
};

struct DegradationLadderOptions {
  double down_queue_delay_seconds = 0.5;
  double down_shed_rate = 0.05;
  double up_queue_delay_seconds = 0.25;
  double up_shed_rate = 0.025;
  Clock::duration down_hold = std::chrono::seconds(1);
  Clock::duration up_hold = std::chrono::seconds(5);
  std::function<void(ServiceMode from, ServiceMode to)> on_change;

  // Throws std::invalid_argument unless thresholds are >= 0 with each up threshold at
  // most its down threshold, and the holds are >= 0.
  void validate() const;
};

class DegradationLadder {
 public:
  using Options = DegradationLadderOptions;

  explicit DegradationLadder(Options options = {});

  ServiceMode update(const Pressure& pressure, TimePoint now);
  ServiceMode mode() const;
  uint64_t transitions() const;

 private:
  const Options options_;
  mutable std::mutex mutex_;
  ServiceMode mode_ = ServiceMode::kFull;
  bool breaker_open_ = false;
  std::optional<TimePoint> pressured_since_;
  std::optional<TimePoint> calm_since_;
  TimePoint last_step_down_ = TimePoint::min();
  uint64_t transitions_ = 0;
};

}  // namespace ragscale::serve::resilience
