#include "serve/retrieval/rank_fusion.h"

#include <algorithm>
#include <unordered_map>

namespace ragscale::serve {

std::vector<FusedHit> reciprocal_rank_fusion(const std::vector<std::vector<int64_t>>& rankings, double k,
                                             size_t limit) {
  std::vector<FusedHit> hits;
  std::unordered_map<int64_t, size_t> position;
  for (const auto& ranking : rankings) {
    for (size_t rank = 0; rank < ranking.size(); ++rank) {
      double contribution = 1.0 / (k + static_cast<double>(rank + 1));
      auto [it, inserted] = position.emplace(ranking[rank], hits.size());
      if (inserted) hits.push_back({ranking[rank], 0.0});
      hits[it->second].score += contribution;
    }
  }
  std::stable_sort(hits.begin(), hits.end(), [](const FusedHit& a, const FusedHit& b) { return a.score > b.score; });
  if (hits.size() > limit) hits.resize(limit);
  return hits;
}

}  // namespace ragscale::serve
