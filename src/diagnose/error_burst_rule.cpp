#include <algorithm>

#include "diagnose/rules.h"

namespace ragscale::diagnose {

std::optional<Finding> check_error_bursts(const RunEvidence& run) {
  const Series& requests = run.requests_per_second();
  const Series& failures = run.failures_per_second();
  struct Burst {
    double from, to;
    double failed;
  };
  std::vector<Burst> bursts;
  for (size_t i = 0; i < failures.size(); ++i) {
    const bool bad = failures.v[i] >= 5 && requests.v[i] > 0 && failures.v[i] >= 0.1 * requests.v[i];
    if (!bad) continue;
    if (!bursts.empty() && failures.t[i] - bursts.back().to <= 1.5) {
      bursts.back().to = failures.t[i];
      bursts.back().failed += failures.v[i];
    } else {
      bursts.push_back({failures.t[i], failures.t[i], failures.v[i]});
    }
  }
  if (bursts.empty()) return std::nullopt;
  double failed = 0, total = 0;
  for (const auto& burst : bursts) failed += burst.failed;
  for (double v : requests.v) total += v;
  Finding finding;
  finding.rule = "error_bursts";
  finding.severity = std::min(0.9, 0.3 + failed / std::max(1.0, total));
  finding.title = std::to_string(bursts.size()) + " burst(s) of errors, " + number(failed, 0) + " failed requests";
  for (size_t i = 0; i < bursts.size() && i < 5; ++i) {
    finding.evidence.push_back("t = " + number(bursts[i].from, 0) + "–" + number(bursts[i].to + 1, 0) + " s: " +
                               number(bursts[i].failed, 0) + " failures (threshold: ≥ 10% of a second's requests)");
  }
  auto errors = run.summary().stats.errors();
  std::sort(errors.begin(), errors.end(), [](const auto& a, const auto& b) { return a.occurrences > b.occurrences; });
  for (size_t i = 0; i < errors.size() && i < 3; ++i) {
    finding.evidence.push_back(std::string(to_string(errors[i].kind)) + ": " + errors[i].message + " × " +
                               std::to_string(errors[i].occurrences) + " (" + errors[i].method + " " + errors[i].name + ")");
  }
  finding.advice = "line the bursts up with the target's logs and metrics (--scrape); a burst of timeouts or 503s "
                   "at a load step is a capacity limit, resets are often a restart or a connection limit";
  return finding;
}

}  // namespace ragscale::diagnose
