// The relative change of a latency percentile between two runs, with a bootstrap interval
// drawn from the runs' exact histograms.
//
// Why this method: a summary keeps each run's latencies as an exact bucketed histogram, but no
// per-second histograms, so percentiles cannot be compared second by second. A bootstrap
// replicate of a run's percentile needs no resampling of requests: the k-th smallest of n
// values drawn from the run's distribution F is F^-1(U) with U ~ Beta(k, n + 1 - k), so one Beta
// draw and one lookup in the histogram give the exact bootstrap of a sample percentile, for any
// n. Requests are not independent, though (a hiccup slows every request of its seconds), and
// the caller says how (RunNoise), from the run's own per-second figures:
// - independent_n: how many independent values the percentile rests on: the request count,
//   or fewer when requests come in correlated groups (a design effect, interval_series.h);
// - scale_sd: noise every request shares, the run as a whole coming out a few percent slow or
//   fast; each replicate scales its percentile by exp(scale_sd * Z).
// Treating requests as independent (n = count, scale_sd = 0) calls two runs of the same build
// different whenever the machine was busier during one of them.
//
// Contract:
// - HistogramQuantiles(h): a lookup of h's percentiles by cumulative counts, equal to
//   LatencyHistogram::percentile() for any p (the bucket's highest equivalent value, within
//   [min, max]).
// - percentile_change(base, base_noise, now, now_noise, percent, confidence, seed): the
//   interval at `confidence` of now_p / base_p - 1, in percent, from `replicates` bootstrap
//   pairs. RunNoise.independent_n (>= 1) is how many independent values the histogram holds
//   (its count, or fewer when values come in correlated groups such as the token gaps of one
//   stream); scale_sd the relative standard deviation of the whole run's level.
//   Deterministic for a seed. Empty when either histogram is empty or a replicate's base
//   percentile is 0.
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

struct RunNoise {
  double independent_n = 1;
  double scale_sd = 0;
};

std::optional<Interval> percentile_change(const LatencyHistogram& base, const RunNoise& base_noise,
                                          const LatencyHistogram& now, const RunNoise& now_noise, double percent,
                                          double confidence = 0.95, uint64_t seed = 1,
                                          int replicates = kBootstrapReplicates);

}  // namespace ragscale::compare
