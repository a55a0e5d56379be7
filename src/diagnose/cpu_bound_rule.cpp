#include <algorithm>

#include "diagnose/rules.h"

namespace ragscale::diagnose {
namespace {

constexpr double kBusyShare = 0.85;

struct CpuBound {
  std::string target;
  double used = 0;       // cores: process_cpu_seconds_total's rate
  double available = 0;  // ragscale_cpu_cores_available
  std::vector<std::string> detail;
};

}  // namespace

std::optional<Finding> check_cpu_bound_target(const RunEvidence& run) {
  const double d = run.duration_s();
  // The steady part: the first and last 10% hold start-up and the drain.
  const double from = d * 0.1, to = d * 0.9;
  std::vector<CpuBound> bound;
  for (const std::string& target : run.targets()) {
    const auto used = run.scraped_from(target, "process_cpu_seconds_total").mean_between(from, to);
    // Without the cores it may use, a CPU rate says nothing about a limit.
    const auto available = run.scraped_from(target, "ragscale_cpu_cores_available").mean_between(from, to);
    if (!used || !available || *available <= 0 || *used < kBusyShare * *available) continue;
    CpuBound hit{target, *used, *available, {}};
    const auto busy = run.scraped_from(target, "ragscale_worker_threads_busy").mean_between(from, to);
    const auto threads = run.scraped_from(target, "ragscale_worker_threads").mean_between(from, to);
    if (busy && threads && *threads > 0) {
      hit.detail.push_back("its worker threads busy averaged " + number(*busy, 1) + " of " + number(*threads, 0) +
                           " (ragscale_worker_threads_busy)");
    }
    const auto wait = run.scraped_from(target, "ragscale_worker_queue_wait_seconds:p95").mean_between(from, to);
    if (wait) {
      hit.detail.push_back("its tasks waited " + number(*wait * 1000, 1) +
                           " ms for a worker thread at p95 (ragscale_worker_queue_wait_seconds)");
    }
    bound.push_back(std::move(hit));
  }
  if (bound.empty()) return std::nullopt;
  std::stable_sort(bound.begin(), bound.end(),
                   [](const CpuBound& a, const CpuBound& b) { return a.used / a.available > b.used / b.available; });
  Finding finding;
  finding.rule = "cpu_bound_target";
  // A cause, so above the throughput plateau it produces; below a saturated generator,
  // which would make every target figure suspect.
  finding.severity = 0.88;
  finding.title = bound.front().target + " was CPU-bound: " + number(bound.front().used, 2) + " of " +
                  number(bound.front().available, 0) + " cores busy";
  for (const CpuBound& hit : bound) {
    finding.evidence.push_back(hit.target + ": process_cpu_seconds_total rose " + number(hit.used, 2) +
                               " CPU-seconds a second with " + number(hit.available, 0) +
                               " cores available (ragscale_cpu_cores_available), " +
                               number(100 * hit.used / hit.available, 0) +
                               "% over the middle 80% of the run (threshold: " + number(kBusyShare * 100, 0) + "%)");
    finding.evidence.insert(finding.evidence.end(), hit.detail.begin(), hit.detail.end());
  }
  finding.advice = "give it more cores or replicas; profile its hot path (perf top -p PID) for what burns the CPU; "
                   "cache what repeats (answers, embeddings) so fewer requests need the CPU at all";
  return finding;
}

}  // namespace ragscale::diagnose
