// Decides, request by request, which fault (if any) the simulator injects.
//
// Contract: decide() checks, in this order, an active outage window (every request
// fails with outage_status), then error_rate, timeout_rate and reset_rate, each an
// independent draw; slow_rate is drawn on its own and can combine with a reset. A reset
// carries the fraction of the answer after which the connection is cut (at least one
// token is sent first when streaming). Settings apply from the moment they are set;
// outage windows are placed relative to that moment and current() reports them
// relative to `now`, dropping the ones that are over. Not thread-safe.
#pragma once

#include <chrono>
#include <vector>

#include "net/event_loop.h"
#include "sim/distribution.h"
#include "sim/fault_settings.h"

namespace ragscale::sim {

enum class FaultKind { kNone, kOutage, kError, kTimeout, kReset };

struct FaultDecision {
  FaultKind kind = FaultKind::kNone;
  int status = 0;                     // for kOutage and kError
  double reset_fraction = 0;          // for kReset: in [0, 1)
  std::chrono::microseconds slow_delay{0};  // non-zero when slow mode picked this request
};

class FaultInjector {
 public:
  void set(const FaultSettings& settings, net::TimePoint reference);
  FaultSettings current(net::TimePoint now) const;
  bool in_outage(net::TimePoint now) const;
  FaultDecision decide(net::TimePoint now, Random& random) const;

 private:
  struct ScheduledOutage {
    net::TimePoint start;
    net::TimePoint end;
  };
  FaultSettings settings_;
  std::vector<ScheduledOutage> outages_;
};

}  // namespace ragscale::sim
