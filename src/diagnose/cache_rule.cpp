#include "diagnose/rules.h"

namespace ragscale::diagnose {

std::optional<Finding> check_cache_hit_rate(const RunEvidence& run) {
  const Series hits = run.scraped("ragscale_cache_hits_total");
  const Series misses = run.scraped("ragscale_cache_misses_total");
  if (hits.empty() || misses.empty()) return std::nullopt;
  const double d = run.duration_s();
  const double hit = hits.mean() * d, miss = misses.mean() * d;
  if (hit + miss < 100) return std::nullopt;
  const double rate = hit / (hit + miss);
  if (rate >= 0.6) return std::nullopt;
  Finding finding;
  finding.rule = "low_cache_hit_rate";
  finding.severity = 0.5 * (1 - rate / 0.6) + 0.2;
  finding.title = "the query cache answered only " + number(rate * 100, 1) + "% of lookups";
  finding.evidence.push_back("ragscale_cache_hits_total / (hits + misses) = " + number(rate * 100, 1) + "% over about " +
                             number(hit + miss, 0) + " lookups (threshold: 60%)");
  finding.advice = "more repeated questions reach the model than need to: enlarge the cache (--cache-entries), "
                   "lengthen its TTL, or normalise questions better; a test plan with only distinct questions "
                   "measures the uncached path on purpose";
  return finding;
}

}  // namespace ragscale::diagnose
