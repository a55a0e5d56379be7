#include "sim/fault_injector.h"

namespace ragscale::sim {

void FaultInjector::set(const FaultSettings& settings, net::TimePoint reference) {
  settings_ = settings;
  outages_.clear();
  for (const auto& window : settings.outages) {
    outages_.push_back({reference + window.start, reference + window.start + window.duration});
  }
}

FaultSettings FaultInjector::current(net::TimePoint now) const {
  FaultSettings settings = settings_;
  settings.outages.clear();
  for (const auto& outage : outages_) {
    if (outage.end <= now) continue;
    OutageWindow window;
    auto start = std::max(outage.start, now);
    window.start = std::chrono::duration_cast<std::chrono::microseconds>(start - now);
    window.duration = std::chrono::duration_cast<std::chrono::microseconds>(outage.end - start);
    settings.outages.push_back(window);
  }
  return settings;
}

bool FaultInjector::in_outage(net::TimePoint now) const {
  for (const auto& outage : outages_) {
    if (now >= outage.start && now < outage.end) return true;
  }
  return false;
}

FaultDecision FaultInjector::decide(net::TimePoint now, Random& random) const {
  FaultDecision decision;
  if (in_outage(now)) {
    decision.kind = FaultKind::kOutage;
    decision.status = settings_.outage_status;
    return decision;
  }
  if (random.chance(settings_.error_rate)) {
    decision.kind = FaultKind::kError;
    decision.status = settings_.error_status;
    return decision;
  }
  if (random.chance(settings_.timeout_rate)) {
    decision.kind = FaultKind::kTimeout;
    return decision;
  }
  if (random.chance(settings_.reset_rate)) {
    decision.kind = FaultKind::kReset;
    decision.reset_fraction = random.unit();
  }
  if (random.chance(settings_.slow_rate)) decision.slow_delay = settings_.slow_delay.sample_duration(random);
  return decision;
}

}  // namespace ragscale::sim
