#include "diagnose/rules.h"

namespace ragscale::diagnose {
namespace {

// A load worker's loop this late is busy (or starved of CPU) for a good part of each
// 20 ms probe period: the requests it sends and times wait that long too. It matters
// when that is a fair share of what it measures: 20 ms on 2 s answers is noise.
constexpr double kLoopLagLimitSeconds = 0.010;
constexpr double kLoopLagShareOfLatency = 0.10;

}  // namespace

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
  // The median over the steady part of each interval's largest lag: half the intervals had
  // a timer this late, so one scheduler hiccup does not make a saturated generator.
  const double from = duration * 0.1, to = duration * 0.9;
  const Series lag = run.generator_series("ragscale_load_loop_lag_seconds");
  const auto typical_lag = lag.quantile_between(0.5, from, to);
  const double median_latency = double(run.summary().stats.aggregate().latency().percentile(50)) / 1e6;
  if (typical_lag && *typical_lag >= kLoopLagLimitSeconds && *typical_lag >= kLoopLagShareOfLatency * median_latency) {
    finding.severity = 0.95;
    std::string line = "the load workers' event loops ran late: ragscale_load_loop_lag_seconds (each interval's "
                       "largest lag) had a median of " + number(*typical_lag * 1000, 1) + " ms and reached " +
                       number(*lag.quantile_between(1, from, to) * 1000, 1) +
                       " ms over the middle 80% of the run (threshold: median ≥ " +
                       number(kLoopLagLimitSeconds * 1000, 0) + " ms and ≥ " + number(kLoopLagShareOfLatency * 100, 0) +
                       "% of the run's median latency, " + number(median_latency * 1000, 1) + " ms)";
    const auto mean_lag = run.generator_series("ragscale_load_loop_lag_mean_seconds").mean_between(from, to);
    if (mean_lag) line += "; the mean lag was " + number(*mean_lag * 1000, 1) + " ms";
    finding.evidence.push_back(line);
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
  finding.advice = "give the generator more threads (--threads), cores or machines (apart from the target's), then measure again";
  return finding;
}

}  // namespace ragscale::diagnose
