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
  // What the cache held says why it missed: nothing at all (it is off), or a new entry for
  // nearly every miss with none pushed out (the questions never repeated: no cache helps).
  const Series entries = run.scraped("ragscale_cache_entries");
  const bool held_nothing = !entries.empty() && entries.max() == 0;
  const double added = entries.empty() ? 0 : entries.v.back() - entries.v.front();
  if (!held_nothing && added >= 0.9 * miss) return std::nullopt;
  Finding finding;
  finding.rule = "low_cache_hit_rate";
  finding.severity = 0.5 * (1 - rate / 0.6) + 0.2;
  finding.title = "the query cache answered only " + number(rate * 100, 1) + "% of lookups";
  finding.evidence.push_back("ragscale_cache_hits_total / (hits + misses) = " + number(rate * 100, 1) + "% over about " +
                             number(hit + miss, 0) + " lookups (threshold: 60%)");
  if (held_nothing) {
    finding.evidence.push_back("ragscale_cache_entries stayed 0: the cache is off or keeps nothing");
    finding.advice = "turn the query cache on (--cache-entries, --cache-bytes): every question, repeated or not, "
                     "goes through retrieval and the model";
  } else {
    finding.evidence.push_back("the cache gained " + number(added, 0) + " entries for about " + number(miss, 0) +
                               " misses (threshold for questions that never repeat: 90%): repeated questions missed");
    finding.advice = "more repeated questions reach the model than need to: enlarge the cache (--cache-entries, "
                     "--cache-bytes) or lengthen its TTL, or normalise questions better";
  }
  return finding;
}

}  // namespace ragscale::diagnose
