#include "plan/hpa_controller.h"

#include <algorithm>
#include <climits>
#include <cmath>
#include <stdexcept>

namespace ragscale::plan {

ScalingRules HpaSpec::default_scale_up() {
  ScalingRules rules;
  rules.policies.push_back({ScalingPolicy::Type::kPercent, 100, 15});
  rules.policies.push_back({ScalingPolicy::Type::kPods, 4, 15});
  return rules;
}

ScalingRules HpaSpec::default_scale_down() {
  ScalingRules rules;
  rules.stabilization_window_s = 300;
  rules.policies.push_back({ScalingPolicy::Type::kPercent, 100, 15});
  return rules;
}

HpaController::HpaController(HpaSpec spec) : spec_(std::move(spec)) {
  if (spec_.min_replicas < 1 || spec_.max_replicas < spec_.min_replicas) {
    throw std::invalid_argument("the autoscaler needs 1 <= min replicas <= max replicas");
  }
  if (!(spec_.target > 0)) throw std::invalid_argument("the autoscaler's target must be above 0");
}

int HpaController::raw_recommendation(const HpaObservation& seen) const {
  if (seen.replicas <= 0 || seen.ready <= 0) return seen.replicas;
  const double ratio = seen.metric / spec_.target;
  if (std::abs(ratio - 1) <= spec_.tolerance) return seen.replicas;
  if (seen.ready < seen.replicas && ratio > 1) {
    // Starting pods count at 0 usage; scale up only if the average over all pods still asks.
    const double all_pods_ratio = ratio * seen.ready / seen.replicas;
    if (all_pods_ratio <= 1 + spec_.tolerance) return seen.replicas;
    return static_cast<int>(std::ceil(all_pods_ratio * seen.replicas - 1e-9));
  }
  return static_cast<int>(std::ceil(ratio * seen.ready - 1e-9));
}

int HpaController::reconcile(double now_s, const HpaObservation& seen) {
  const int current = seen.replicas;
  const int recommended = raw_recommendation(seen);
  int desired = stabilize(now_s, current, recommended);
  desired = limit_rate(now_s, current, desired);
  if (desired != current) events_.push_back({now_s, desired - current});
  // Events matter only within the longest policy period.
  double longest = 0;
  for (const auto* rules : {&spec_.scale_up, &spec_.scale_down}) {
    for (const auto& policy : rules->policies) longest = std::max(longest, policy.period_s);
  }
  while (!events_.empty() && events_.front().at_s <= now_s - longest) events_.pop_front();
  return desired;
}

int HpaController::stabilize(double now_s, int current, int recommended) {
  const double keep = std::max(spec_.scale_up.stabilization_window_s, spec_.scale_down.stabilization_window_s);
  while (!recommendations_.empty() && recommendations_.front().at_s < now_s - keep) recommendations_.pop_front();
  int up = recommended;
  int down = recommended;
  for (const auto& past : recommendations_) {
    if (past.at_s > now_s - spec_.scale_up.stabilization_window_s) up = std::min(up, past.replicas);
    if (past.at_s > now_s - spec_.scale_down.stabilization_window_s) down = std::max(down, past.replicas);
  }
  recommendations_.push_back({now_s, recommended});
  int result = current;
  if (result < up) result = up;
  if (result > down) result = down;
  return result;
}

int HpaController::limit_rate(double now_s, int current, int desired) const {
  if (desired > current) {
    const int limit = std::min(spec_.max_replicas, std::max(current, scale_up_limit(now_s, current)));
    return std::max(std::min(desired, limit), spec_.min_replicas);
  }
  if (desired < current) {
    const int limit = std::max(spec_.min_replicas, std::min(current, scale_down_limit(now_s, current)));
    return std::min(std::max(desired, limit), spec_.max_replicas);
  }
  return std::clamp(desired, spec_.min_replicas, spec_.max_replicas);
}

int HpaController::scale_up_limit(double now_s, int current) const {
  const ScalingRules& rules = spec_.scale_up;
  if (rules.select == ScalingRules::Select::kDisabled || rules.policies.empty()) return current;
  int result = rules.select == ScalingRules::Select::kMax ? INT_MIN : INT_MAX;
  for (const auto& policy : rules.policies) {
    int added = 0;
    for (const auto& event : events_) {
      if (event.change > 0 && event.at_s > now_s - policy.period_s) added += event.change;
    }
    const int start = current - added;
    const int proposed = policy.type == ScalingPolicy::Type::kPods
                             ? start + policy.value
                             : static_cast<int>(std::ceil(start * (1 + policy.value / 100.0) - 1e-9));
    result = rules.select == ScalingRules::Select::kMax ? std::max(result, proposed) : std::min(result, proposed);
  }
  return result;
}

int HpaController::scale_down_limit(double now_s, int current) const {
  const ScalingRules& rules = spec_.scale_down;
  if (rules.select == ScalingRules::Select::kDisabled || rules.policies.empty()) return current;
  // Max selects the policy allowing the biggest change: the lowest count.
  int result = rules.select == ScalingRules::Select::kMax ? INT_MAX : INT_MIN;
  for (const auto& policy : rules.policies) {
    int removed = 0;
    for (const auto& event : events_) {
      if (event.change < 0 && event.at_s > now_s - policy.period_s) removed -= event.change;
    }
    const int start = current + removed;
    const int proposed = policy.type == ScalingPolicy::Type::kPods
                             ? start - policy.value
                             : static_cast<int>(start * (1 - policy.value / 100.0));
    result = rules.select == ScalingRules::Select::kMax ? std::min(result, proposed) : std::max(result, proposed);
  }
  return result;
}

}  // namespace ragscale::plan
