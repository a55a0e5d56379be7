#include "plan/hpa_manifest.h"

#include <cmath>
#include <sstream>

#include "load/output/number_format.h"

namespace ragscale::plan {
namespace {

const char* select_name(ScalingRules::Select select) {
  switch (select) {
    case ScalingRules::Select::kMax: return "Max";
    case ScalingRules::Select::kMin: return "Min";
    case ScalingRules::Select::kDisabled: return "Disabled";
  }
  return "Max";
}

void write_rules(std::ostream& out, const char* name, const ScalingRules& rules) {
  out << "    " << name << ":\n"
      << "      stabilizationWindowSeconds: " << std::lround(rules.stabilization_window_s) << "\n"
      << "      selectPolicy: " << select_name(rules.select) << "\n";
  if (rules.policies.empty()) return;
  out << "      policies:\n";
  for (const auto& policy : rules.policies) {
    out << "        - type: " << (policy.type == ScalingPolicy::Type::kPods ? "Pods" : "Percent") << "\n"
        << "          value: " << policy.value << "\n"
        << "          periodSeconds: " << std::lround(policy.period_s) << "\n";
  }
}

}  // namespace

std::string kubernetes_quantity(double value) {
  const long long milli = std::llround(value * 1000);
  if (milli % 1000 == 0) return std::to_string(milli / 1000);
  return std::to_string(milli) + "m";
}

std::string hpa_manifest_yaml(const HpaSpec& spec, const ManifestSettings& settings) {
  const double per_pod = settings.per_replica_rps * spec.target / 100.0;
  std::ostringstream out;
  out << "# Target: " << output::format_decimal(spec.target, 1) << "% of one replica's measured capacity ("
      << output::format_decimal(settings.per_replica_rps, 1) << " requests/s), i.e. "
      << output::format_decimal(per_pod, 1) << " requests/s per pod.\n"
      << "# The Pods metric needs a custom-metrics adapter (e.g. prometheus-adapter) serving\n"
      << "# " << settings.metric_name << " per pod from the service's request counter.\n"
      << "apiVersion: autoscaling/v2\n"
      << "kind: HorizontalPodAutoscaler\n"
      << "metadata:\n"
      << "  name: " << settings.deployment << "\n"
      << "spec:\n"
      << "  scaleTargetRef:\n"
      << "    apiVersion: apps/v1\n"
      << "    kind: Deployment\n"
      << "    name: " << settings.deployment << "\n"
      << "  minReplicas: " << spec.min_replicas << "\n"
      << "  maxReplicas: " << spec.max_replicas << "\n"
      << "  metrics:\n"
      << "    - type: Pods\n"
      << "      pods:\n"
      << "        metric:\n"
      << "          name: " << settings.metric_name << "\n"
      << "        target:\n"
      << "          type: AverageValue\n"
      << "          averageValue: \"" << kubernetes_quantity(per_pod) << "\"\n"
      << "  behavior:\n";
  write_rules(out, "scaleUp", spec.scale_up);
  write_rules(out, "scaleDown", spec.scale_down);
  return out.str();
}

}  // namespace ragscale::plan
