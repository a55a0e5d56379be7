// What `ragscale plan` found, and how it is printed: the text a person reads and the JSON
// a script reads (--json). Sections are present only when their inputs were given.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "plan/autoscale_simulation.h"
#include "plan/replica_plan.h"
#include "plan/usl_fit.h"

namespace ragscale::plan {

struct DemandSource {
  std::optional<double> users;
  std::optional<double> requests_per_minute;
};

struct AutoscalePlan {
  std::string trace;       // where the trace came from
  double peak_demand = 0;
  double startup_s = 0;
  HpaSpec spec;            // the chosen setting (target, min, max, behavior)
  AutoscaleResult chosen;
  bool searched = false;   // true: spec is the search's best; false: as given
  std::optional<AutoscaleResult> at_defaults;  // 70% target, min 1 (when searched)
  std::string manifest;
};

struct PlanResult {
  double per_replica_rps = 0;
  std::string capacity_source;  // "--per-replica" or the capacity file
  double headroom = 0;
  std::optional<double> monthly_growth;
  double horizon_months = 0;
  DemandSource demand_source;
  std::optional<ReplicaPlan> replicas;
  std::vector<ScalingPoint> points;
  std::optional<UslModel> usl;
  std::optional<int> usl_replicas;  // the replicas the USL says the demand needs
  std::optional<AutoscalePlan> autoscale;
};

void write_plan_text(std::ostream& out, const PlanResult& plan);
void write_plan_json(std::ostream& out, const PlanResult& plan);

}  // namespace ragscale::plan
