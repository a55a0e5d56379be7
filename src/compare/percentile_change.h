// The relative change of a latency percentile between two runs, with a bootstrap interval
// drawn from the runs' exact histograms.
//
// Why this method: a summary keeps each run's latencies as an exact bucketed histogram, but no
// per-second histograms, so percentiles cannot be compared second by second. The bootstrap of
// a sample percentile needs no resampling of requests: the k-th smallest of n values drawn
// from a distribution F is F^-1(U) with U ~ Beta(k, n + 1 - k), so one Beta draw and one
// lookup in the histogram give one bootstrap replicate, for any n. Requests are not
// independent (a 10-second hiccup slows thousands of them), so n is not the request count but
// the effective sample size: the count divided by the run's design effect (design_effect.h),
// measured from how much its per-second figures vary. Percentile intervals are then as wide as
// the run's own second-to-second noise says.
//
// Contract:
// - HistogramQuantiles(h): a lookup of h's percentiles by cumulative counts, equal to
//   LatencyHistogram::percentile() for any p (the bucket's highest equivalent value, within
//   [min, max]).
// - percentile_change(base, base_n, now, now_n, percent, confidence, seed): the 95% (say)
//   interval of now_p / base_p - 1, in percent, from `replicates` bootstrap pairs, base_n and
//   now_n the effective sample sizes (>= 1). Deterministic for a seed. Empty when either
//   histogram is empty or a replicate's base percentile is 0.
#pragma once

#include <cstdint>
#include <optional>
#include <utility>
#include <vector>

#include "compare/shift_interval.h"
#include "stats/latency_histogram.h"

namespace ragscale::compare {

class HistogramQuantiles {
 public:
  explicit HistogramQuantiles(const LatencyHistogram& histogram);
  // p in [0, 100].
  uint64_t at(double percent) const;
  uint64_t count() const { return count_; }

 private:
  std::vector<std::pair<uint64_t, uint64_t>> cumulative_;  // (value_us, count up to and including)
  uint64_t count_ = 0;
  uint64_t min_ = 0;
  uint64_t max_ = 0;
};

inline constexpr int kBootstrapReplicates = 2000;

std::optional<Interval> percentile_change(const LatencyHistogram& base, double base_effective_n,
                                          const LatencyHistogram& now, double now_effective_n, double percent,
                                          double confidence = 0.95, uint64_t seed = 1,
                                          int replicates = kBootstrapReplicates);

}  // namespace ragscale::compare
