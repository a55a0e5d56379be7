#include "diagnose/rules.h"

namespace ragscale::diagnose {

std::optional<Finding> check_memory_growth(const RunEvidence& run) {
  const Series rss = run.scraped("process_resident_memory_bytes");
  if (rss.size() < 10) return std::nullopt;
  // After warm-up: the second half of the run.
  Series late;
  const double half = run.duration_s() / 2;
  for (size_t i = 0; i < rss.size(); ++i) {
    if (rss.t[i] >= half) {
      late.t.push_back(rss.t[i]);
      late.v.push_back(rss.v[i]);
    }
  }
  if (late.size() < 5) return std::nullopt;
  const double first = late.v.front(), last = late.v.back(), slope = late.slope();
  if (!(first > 0) || last < first * 1.10 || slope <= 0) return std::nullopt;
  Finding finding;
  finding.rule = "memory_growth";
  finding.severity = 0.6;
  const double mb_per_hour = slope * 3600 / 1e6;
  finding.title = "resident memory kept growing: " + number(mb_per_hour, 1) + " MB an hour";
  finding.evidence.push_back("process_resident_memory_bytes " + number(first / 1e6, 1) + " → " + number(last / 1e6, 1) +
                             " MB over the second half of the run (threshold: +10% with a rising trend)");
  finding.evidence.push_back("at this slope it doubles to " + number(2 * last / 1e6, 0) + " MB in " +
                             number(last / slope / 3600, 1) + " h");
  finding.advice = "run a soak (bench/soak.sh) to tell a leak from a cache filling up; bound the caches "
                   "(--cache-bytes) and check what holds memory";
  return finding;
}

}  // namespace ragscale::diagnose
