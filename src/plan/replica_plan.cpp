#include "plan/replica_plan.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ragscale::plan {

double demand_of(double users, double requests_per_minute) { return users * requests_per_minute / 60.0; }

int replicas_for(double required_rps, double per_replica_rps) {
  if (!(per_replica_rps > 0)) throw std::invalid_argument("the per-replica capacity must be above 0");
  const double exact = required_rps / per_replica_rps;
  const double nearest = std::round(exact);
  const double count = std::abs(exact - nearest) <= 1e-9 * std::max(1.0, exact) ? nearest : std::ceil(exact);
  return std::max(1, static_cast<int>(count));
}

ReplicaPlan plan_replicas(const DemandInput& input) {
  if (!(input.demand_rps >= 0)) throw std::invalid_argument("the demand must be 0 or more requests/s");
  if (!(input.headroom >= 0)) throw std::invalid_argument("the headroom must be 0% or more");
  ReplicaPlan plan;
  plan.demand_rps = input.demand_rps;
  plan.required_rps = input.demand_rps * (1 + input.headroom);
  plan.replicas = replicas_for(plan.required_rps, input.per_replica_rps);
  plan.utilization = input.demand_rps / (plan.replicas * input.per_replica_rps);
  plan.replicas_at_horizon = plan.replicas;
  if (!input.monthly_growth || *input.monthly_growth <= 0 || input.demand_rps <= 0) return plan;

  const double growth = std::log1p(*input.monthly_growth);
  // Replica k+1 is needed once demand × (1 + headroom) passes k × capacity.
  for (int held = plan.replicas;; ++held) {
    const double month = std::log(held * input.per_replica_rps / plan.required_rps) / growth;
    if (month > input.horizon_months) break;
    plan.growth.push_back({held + 1, std::max(0.0, month), input.demand_rps * std::exp(growth * month)});
    plan.replicas_at_horizon = held + 1;
  }
  return plan;
}

}  // namespace ragscale::plan
