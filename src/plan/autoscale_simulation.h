// Replays a traffic trace (requests/s, one value a second) against replicas of a measured
// per-replica capacity under the HorizontalPodAutoscaler (plan/hpa_controller.h).
//
// Model, second by second:
// - Capacity is ready replicas × per-replica capacity. A new pod is ready start-up seconds
//   after the autoscaler asked for it; a removed pod goes at once (starting ones first).
// - Demand beyond capacity queues (a backlog that later spare capacity drains); a second
//   violates the SLO while demand exceeds capacity or a backlog (a request or more) remains. The per-replica
//   capacity is the load one replica takes while meeting the SLO (ragscale capacity), so
//   "over capacity" is "outside the SLO".
// - The autoscaler's metric is utilization: the last sync period's mean demand per ready
//   pod as % of the per-replica capacity (a requests-per-second-per-pod metric; for CPU it
//   assumes CPU tracks the request rate). It syncs every sync period, from t = 0.
// - The run starts with the replicas the first second's demand needs at the target
//   (at least min replicas), all ready, as an autoscaler that had been running would.
// Replica-hours count every pod that exists (starting pods cost too).
//
// search_autoscaling() tries targets from 30% to 90% (step 5) and min replicas from 1 to
// max (or only `fixed_min_replicas` when given); it keeps the setting with no violation at
// the fewest replica-hours, else the one with the fewest violated seconds.
#pragma once

#include <optional>
#include <span>
#include <vector>

#include "plan/hpa_controller.h"

namespace ragscale::plan {

struct AutoscaleSettings {
  HpaSpec hpa;
  double per_replica_rps = 0;
  double startup_s = 60;
};

struct AutoscaleSecond {
  double demand = 0;
  int replicas = 0;  // pods that exist
  int ready = 0;
  double backlog = 0;  // requests queued at the second's end
  bool violated = false;
};

struct AutoscaleResult {
  std::vector<AutoscaleSecond> seconds;
  int violated_seconds = 0;
  double replica_hours = 0;
  int peak_replicas = 0;
  int scale_events = 0;
  double violation_minutes() const { return violated_seconds / 60.0; }
};

AutoscaleResult simulate_autoscaling(std::span<const double> demand_per_second, const AutoscaleSettings& settings);

struct AutoscaleChoice {
  double target = 0;
  int min_replicas = 0;
  AutoscaleResult result;
};

AutoscaleChoice search_autoscaling(std::span<const double> demand_per_second, AutoscaleSettings settings,
                                   std::optional<int> fixed_min_replicas = std::nullopt);

}  // namespace ragscale::plan
