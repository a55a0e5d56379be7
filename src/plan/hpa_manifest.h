// The HorizontalPodAutoscaler (autoscaling/v2) manifest for a plan's autoscaling setting:
// the scale target (a Deployment), min/max replicas, a per-pod requests/s metric whose
// target average is the chosen utilization of the measured per-replica capacity, and the
// behavior (stabilization windows and rate policies) that was simulated. The metric comes
// through a custom-metrics adapter (e.g. prometheus-adapter serving `metric_name` from the
// service's request counter); a comment in the manifest says so.
#pragma once

#include <string>

#include "plan/hpa_controller.h"

namespace ragscale::plan {

struct ManifestSettings {
  std::string deployment = "ragscale-serve";
  std::string metric_name = "http_requests_per_second";
  double per_replica_rps = 0;
};

std::string hpa_manifest_yaml(const HpaSpec& spec, const ManifestSettings& settings);

// A Kubernetes quantity for a decimal: "120" or, with a fraction, milli-units ("120500m").
std::string kubernetes_quantity(double value);

}  // namespace ragscale::plan
