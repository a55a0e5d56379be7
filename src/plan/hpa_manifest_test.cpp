#include "plan/hpa_manifest.h"

#include <gtest/gtest.h>

namespace ragscale::plan {
namespace {

TEST(HpaManifestTest, TheSimulatedSettingAsAnAutoscalingV2Manifest) {
  HpaSpec spec;
  spec.min_replicas = 3;
  spec.max_replicas = 20;
  spec.target = 60;
  ManifestSettings settings;
  settings.per_replica_rps = 200;
  const std::string yaml = hpa_manifest_yaml(spec, settings);
  EXPECT_NE(yaml.find("apiVersion: autoscaling/v2\nkind: HorizontalPodAutoscaler\n"), std::string::npos);
  EXPECT_NE(yaml.find("    kind: Deployment\n    name: ragscale-serve\n"), std::string::npos);
  EXPECT_NE(yaml.find("  minReplicas: 3\n  maxReplicas: 20\n"), std::string::npos);
  EXPECT_NE(yaml.find("averageValue: \"120\""), std::string::npos);  // 60% of 200/s
  EXPECT_NE(yaml.find("    scaleDown:\n      stabilizationWindowSeconds: 300\n"), std::string::npos);
  EXPECT_NE(yaml.find("        - type: Pods\n          value: 4\n          periodSeconds: 15\n"), std::string::npos);
}

TEST(HpaManifestTest, QuantitiesUseMilliUnitsForFractions) {
  EXPECT_EQ(kubernetes_quantity(120), "120");
  EXPECT_EQ(kubernetes_quantity(120.5), "120500m");
  EXPECT_EQ(kubernetes_quantity(0.25), "250m");
}

}  // namespace
}  // namespace ragscale::plan
