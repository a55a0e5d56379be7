#include "plan/autoscale_simulation.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <optional>
#include <stdexcept>

namespace ragscale::plan {

AutoscaleResult simulate_autoscaling(std::span<const double> demand, const AutoscaleSettings& settings) {
  if (!(settings.per_replica_rps > 0)) throw std::invalid_argument("the per-replica capacity must be above 0");
  if (!(settings.startup_s >= 0)) throw std::invalid_argument("the pod start-up time must be 0 or more");
  HpaController hpa(settings.hpa);
  const HpaSpec& spec = hpa.spec();
  const double target_rps = settings.per_replica_rps * spec.target / 100.0;

  int ready = 0;
  if (!demand.empty()) ready = static_cast<int>(std::ceil(demand[0] / target_rps - 1e-9));
  ready = std::clamp(ready, spec.min_replicas, spec.max_replicas);
  std::deque<double> starting;  // when each starting pod becomes ready, earliest first

  const auto sync_every = std::max<long>(1, std::lround(spec.sync_period_s));
  AutoscaleResult result;
  result.seconds.reserve(demand.size());
  double backlog = 0;
  double window_demand = 0;
  long window_seconds = 0;
  for (size_t second = 0; second < demand.size(); ++second) {
    const double now = static_cast<double>(second);
    while (!starting.empty() && starting.front() <= now) {
      starting.pop_front();
      ++ready;
    }
    if (second % static_cast<size_t>(sync_every) == 0) {
      const int replicas = ready + static_cast<int>(starting.size());
      const double mean = window_seconds > 0 ? window_demand / static_cast<double>(window_seconds) : demand[second];
      const double utilization = ready > 0 ? 100.0 * mean / (ready * settings.per_replica_rps) : 0;
      const int desired = hpa.reconcile(now, {replicas, ready, utilization});
      if (desired != replicas) ++result.scale_events;
      for (int add = replicas; add < desired; ++add) starting.push_back(now + settings.startup_s);
      for (int remove = desired; remove < replicas; ++remove) {
        if (!starting.empty()) starting.pop_back();
        else --ready;
      }
      window_demand = 0;
      window_seconds = 0;
    }
    const double offered = std::max(0.0, demand[second]);
    window_demand += offered;
    ++window_seconds;
    const double capacity = ready * settings.per_replica_rps;
    const bool over = offered > capacity;
    backlog = std::max(0.0, backlog + offered - capacity);
    AutoscaleSecond point;
    point.demand = offered;
    point.replicas = ready + static_cast<int>(starting.size());
    point.ready = ready;
    point.backlog = backlog;
    point.violated = over || backlog >= 1;  // a request or more still queued
    result.violated_seconds += point.violated ? 1 : 0;
    result.replica_hours += point.replicas / 3600.0;
    result.peak_replicas = std::max(result.peak_replicas, point.replicas);
    result.seconds.push_back(point);
  }
  return result;
}

AutoscaleChoice search_autoscaling(std::span<const double> demand, AutoscaleSettings settings,
                                   std::optional<int> fixed_min_replicas) {
  std::optional<AutoscaleChoice> best;
  auto better = [](const AutoscaleResult& a, const AutoscaleResult& b) {
    if (a.violated_seconds != b.violated_seconds) return a.violated_seconds < b.violated_seconds;
    return a.replica_hours < b.replica_hours - 1e-9;
  };
  for (int target = 30; target <= 90; target += 5) {
    const int first_min = fixed_min_replicas.value_or(1);
    const int last_min = fixed_min_replicas.value_or(settings.hpa.max_replicas);
    for (int min_replicas = first_min; min_replicas <= last_min; ++min_replicas) {
      settings.hpa.target = target;
      settings.hpa.min_replicas = min_replicas;
      AutoscaleResult result = simulate_autoscaling(demand, settings);
      if (!best || better(result, best->result)) best = AutoscaleChoice{double(target), min_replicas, std::move(result)};
    }
  }
  if (!best) throw std::invalid_argument("nothing to search: the autoscaler's max replicas is below 1");
  return std::move(*best);
}

}  // namespace ragscale::plan
