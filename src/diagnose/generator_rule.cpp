#include "diagnose/rules.h"

namespace ragscale::diagnose {

std::optional<Finding> check_generator_saturated(const RunEvidence& run) {
  Finding finding;
  finding.rule = "generator_saturated";
  const int threads = run.generator_threads();
  const Series cpu = run.generator_cpu();
  const double duration = run.duration_s();
  // The steady part: the first and last 10% hold start-up and the drain.
  const auto steady = cpu.mean_between(duration * 0.1, duration * 0.9);
  if (steady && *steady >= 0.85 * threads) {
    finding.severity = 0.95;
    finding.evidence.push_back("ragscale_load_cpu_cores averaged " + number(*steady, 2) + " cores with " +
                               std::to_string(threads) + " generator thread(s) (threshold: 85% of them)");
  }
  const RunStats& stats = run.summary().stats;
  if (run.open_model() && stats.iterations() > 0) {
    const double late = double(stats.late()) / double(stats.iterations());
    if (late >= 0.5) {
      finding.severity = std::max(finding.severity, 0.9);
      finding.evidence.push_back(number(late * 100, 1) + "% of arrivals started late (threshold: 50%)");
    }
  }
  if (finding.evidence.empty()) return std::nullopt;
  finding.title = "the load generator was the bottleneck: the figures understate the target";
  finding.advice = "give the generator more threads (--threads), cores or machines, then measure again";
  return finding;
}

}  // namespace ragscale::diagnose
