// Reciprocal-rank fusion: merges several best-first rankings of the same kind of ids
// into one. An id's fused score is the sum over rankings of 1 / (k + rank), rank
// starting at 1; ids missing from a ranking get nothing from it. Ties keep the order in
// which ids were first seen (earlier rankings first), so results are deterministic.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace ragscale::serve {

struct FusedHit {
  int64_t id;
  double score;
};

std::vector<FusedHit> reciprocal_rank_fusion(const std::vector<std::vector<int64_t>>& rankings, double k = 60.0,
                                             size_t limit = std::numeric_limits<size_t>::max());

}  // namespace ragscale::serve
