#include "serve/resilience/degradation_ladder.h"

#include <algorithm>
#include <stdexcept>
#include <utility>

namespace ragscale::serve::resilience {

namespace {

ServiceMode step(ServiceMode mode, int by) {
  const int rung = std::clamp(static_cast<int>(mode) + by, static_cast<int>(ServiceMode::kFull),
                              static_cast<int>(ServiceMode::kRefuse));
  return static_cast<ServiceMode>(rung);
}

}  // namespace

const char* service_mode_name(ServiceMode mode) {
  switch (mode) {
    case ServiceMode::kFull: return "full";
    case ServiceMode::kReduced: return "reduced";
    case ServiceMode::kExtractive: return "extractive";
    case ServiceMode::kCachedOnly: return "cached";
    case ServiceMode::kRefuse: return "refuse";
  }
  return "unknown";
}

void DegradationLadderOptions::validate() const {
  if (!(up_queue_delay_seconds >= 0 && up_queue_delay_seconds <= down_queue_delay_seconds)) {
    throw std::invalid_argument(
        "degradation ladder: need 0 <= up_queue_delay_seconds <= down_queue_delay_seconds");
  }
  if (!(up_shed_rate >= 0 && up_shed_rate <= down_shed_rate)) {
    throw std::invalid_argument("degradation ladder: need 0 <= up_shed_rate <= down_shed_rate");
  }
  if (down_hold < Clock::duration::zero() || up_hold < Clock::duration::zero()) {
    throw std::invalid_argument("degradation ladder: down_hold and up_hold must not be negative");
  }
}

DegradationLadder::DegradationLadder(Options options) : options_(std::move(options)) { options_.validate(); }

ServiceMode DegradationLadder::update(const Pressure& pressure, TimePoint now) {
  const bool high = pressure.queue_delay_seconds > options_.down_queue_delay_seconds ||
                    pressure.shed_rate > options_.down_shed_rate;
  const bool calm = pressure.queue_delay_seconds <= options_.up_queue_delay_seconds &&
                    pressure.shed_rate <= options_.up_shed_rate;
  ServiceMode before;
  ServiceMode after;
  {
    std::lock_guard lock(mutex_);
    before = mode_;
    const bool breaker_closed_now = breaker_open_ && !pressure.llm_breaker_open;
    breaker_open_ = pressure.llm_breaker_open;
    const ServiceMode floor = breaker_open_ ? ServiceMode::kExtractive : ServiceMode::kFull;

    if (mode_ < floor) {
      mode_ = floor;
      last_step_down_ = now;
    }
    if (breaker_closed_now || !calm) calm_since_.reset();
    if (!high) pressured_since_.reset();

    if (high) {
      if (!pressured_since_) pressured_since_ = now;
      if (now - std::max(*pressured_since_, last_step_down_) >= options_.down_hold && mode_ != ServiceMode::kRefuse) {
        mode_ = step(mode_, +1);
        last_step_down_ = now;
      }
    } else if (calm) {
      if (!calm_since_) calm_since_ = now;
      if (now - *calm_since_ >= options_.up_hold && mode_ > floor) {
        mode_ = step(mode_, -1);
        calm_since_ = now;
      }
    }
    after = mode_;
    if (after != before) ++transitions_;
  }
  if (after != before && options_.on_change) options_.on_change(before, after);
  return after;
}

ServiceMode DegradationLadder::mode() const {
  std::lock_guard lock(mutex_);
  return mode_;
}

uint64_t DegradationLadder::transitions() const {
  std::lock_guard lock(mutex_);
  return transitions_;
}

}  // namespace ragscale::serve::resilience
