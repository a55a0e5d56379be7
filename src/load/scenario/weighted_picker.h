// Weighted random choice among a fixed set of options (user classes, tasks).
//
// Contract: built once from non-negative integer weights with a positive total; pick()
// returns index i with probability weights[i] / total using one random draw and a binary
// search over cumulative weights (a linear scan for small sets). Options with weight 0
// are never picked. Construction with no positive weight throws std::invalid_argument.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "load/scenario/rng.h"

namespace ragscale::scenario {

class WeightedPicker {
 public:
  WeightedPicker() = default;
  explicit WeightedPicker(const std::vector<uint32_t>& weights);

  size_t pick(Rng& rng) const;
  size_t size() const { return cumulative_.size(); }
  uint64_t total_weight() const { return cumulative_.empty() ? 0 : cumulative_.back(); }

 private:
  std::vector<uint64_t> cumulative_;
};

}  // namespace ragscale::scenario
