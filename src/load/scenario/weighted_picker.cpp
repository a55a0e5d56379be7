#include "load/scenario/weighted_picker.h"

#include <algorithm>
#include <stdexcept>

namespace ragscale::scenario {

WeightedPicker::WeightedPicker(const std::vector<uint32_t>& weights) {
  uint64_t running = 0;
  cumulative_.reserve(weights.size());
  for (uint32_t weight : weights) {
    running += weight;
    cumulative_.push_back(running);
  }
  if (running == 0) {
    throw std::invalid_argument("weighted choice needs at least one option with a weight above 0");
  }
}

size_t WeightedPicker::pick(Rng& rng) const {
  if (cumulative_.size() <= 1) return 0;
  uint64_t draw = rng.below(cumulative_.back());
  // Small sets dominate (a handful of tasks); a scan beats the branchy binary search there.
  if (cumulative_.size() <= 8) {
    size_t index = 0;
    while (cumulative_[index] <= draw) ++index;
    return index;
  }
  return static_cast<size_t>(std::upper_bound(cumulative_.begin(), cumulative_.end(), draw) -
                             cumulative_.begin());
}

}  // namespace ragscale::scenario
