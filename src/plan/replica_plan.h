// Replica planning from a measured per-replica capacity: how many replicas a demand needs
// with headroom, and, with growth, when each further replica becomes necessary.
//
// Contract:
// - demand (requests/s) = users × requests per minute ÷ 60, or given directly.
// - replicas = ceil(demand × (1 + headroom) ÷ per-replica capacity), at least 1. A result
//   within a relative 1e-9 of an integer counts as that integer, so 10,000 users × 10/min
//   at 200/s with 20% headroom is 10 replicas, not 11 from floating-point residue.
// - Growth compounds monthly: demand(t) = demand × (1 + growth)^t, t in months. Each
//   extra replica is needed from the month its predecessor's capacity (with headroom) is
//   exceeded; the list covers the horizon and is empty without growth.
#pragma once

#include <optional>
#include <vector>

namespace ragscale::plan {

struct DemandInput {
  double demand_rps = 0;      // requests/s now
  double per_replica_rps = 0; // one replica's capacity (requests/s, meeting the SLO)
  double headroom = 0.2;      // spare capacity kept: 0.2 = 20%
  std::optional<double> monthly_growth;  // 0.1 = 10% a month
  double horizon_months = 12;
};

struct ReplicaStep {
  int replicas = 0;
  double from_month = 0;  // months from now
  double demand_rps = 0;  // the demand at that month
};

struct ReplicaPlan {
  double demand_rps = 0;
  double required_rps = 0;  // demand × (1 + headroom)
  int replicas = 0;
  double utilization = 0;   // demand ÷ (replicas × per-replica capacity)
  std::vector<ReplicaStep> growth;  // further replicas within the horizon
  int replicas_at_horizon = 0;
};

double demand_of(double users, double requests_per_minute);
int replicas_for(double required_rps, double per_replica_rps);
ReplicaPlan plan_replicas(const DemandInput& input);

}  // namespace ragscale::plan
