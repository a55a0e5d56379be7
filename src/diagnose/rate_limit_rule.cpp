#include "diagnose/rules.h"

namespace ragscale::diagnose {

std::optional<Finding> check_rate_limited(const RunEvidence& run) {
  Finding finding;
  finding.rule = "rate_limited";
  const double d = run.duration_s();
  // Counter rates are per second: their mean × the run's length is the count.
  const Series sim = run.scraped("ragscale_sim_rate_limited_total");
  if (!sim.empty() && sim.mean() * d >= 1) {
    finding.evidence.push_back("the model backend refused about " + number(sim.mean() * d, 0) +
                               " requests with 429 (ragscale_sim_rate_limited_total, " + number(sim.max(), 1) +
                               "/s at most)");
  }
  const Series refused = run.scraped("ragscale_backend_requests_total", "outcome=\"rate_limited\"");
  if (!refused.empty() && refused.mean() * d >= 1) {
    finding.evidence.push_back("serve's model calls were refused with 429 about " + number(refused.mean() * d, 0) +
                               " times (ragscale_backend_requests_total{outcome=\"rate_limited\"})");
  }
  uint64_t limited = 0, requests = 0;
  for (const auto& endpoint : run.summary().stats.endpoints()) {
    limited += endpoint.rate_limited();
    requests += endpoint.requests();
  }
  if (requests > 0 && double(limited) >= 0.01 * double(requests)) {
    finding.evidence.push_back(number(100.0 * double(limited) / double(requests), 1) + "% of the load's requests were "
                               "rate limited (threshold: 1%)");
  }
  if (finding.evidence.empty()) return std::nullopt;
  finding.severity = 0.8;
  finding.title = "requests were rate limited: a quota, not capacity, set the limit";
  finding.advice = "raise the quota (requests or tokens per minute) or spread the load over more API keys; "
                   "retry with backoff (a scenario step's retry:) to ride out short limits";
  return finding;
}

}  // namespace ragscale::diagnose
