// Distribution-free confidence bounds for a quantile from order statistics: with n samples
// sorted X(1) <= ... <= X(n), the true q-quantile lies in [X(lower), X(upper)] with at least
// the given confidence, whatever the distribution (the count of samples below the true
// quantile is Binomial(n, q); the ranks come from its exact CDF).
//
// Contract: ranks are 1-based. `upper` is nullopt when even X(n) is not a high enough bound
// (too few samples: q^n > (1 - confidence) / 2, e.g. fewer than 72 samples for the 95th
// percentile at 95%); `lower` is nullopt when even X(1) is not low enough ((1 - q)^n too
// large). q is clamped to [0, 1]; n = 0 gives neither.
#pragma once

#include <cstdint>
#include <optional>

namespace ragscale {

struct QuantileRanks {
  std::optional<uint64_t> lower;
  std::optional<uint64_t> upper;
};

QuantileRanks quantile_confidence_ranks(uint64_t n, double q, double confidence = 0.95);

// The fewest samples for which quantile_confidence_ranks() has an upper rank.
uint64_t samples_for_quantile_upper_bound(double q, double confidence = 0.95);

}  // namespace ragscale
