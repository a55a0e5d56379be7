// The shift between two samples of per-interval values (one value per second of a run, say),
// judged with the Mann-Whitney U test and estimated with the Hodges-Lehmann estimator and its
// distribution-free confidence interval, as Netflix's Kayenta judges a canary against its
// baseline.
//
// Why this method: the values compared are per-interval figures (requests per second, tokens
// per second), whose distribution is unknown and often skewed or lumpy on a shared machine. The
// test needs no distribution, is insensitive to a few wild seconds, and its interval is built
// from the same ranks, so "significant" and "the interval excludes 0" always agree. Using
// intervals rather than requests as the unit keeps the samples near independent: requests in
// the same second share its hiccups, seconds much less so.
//
// Contract:
// - mann_whitney_null(m, n): the exact null distribution of U (the number of pairs with the
//   second sample's value above the first's) for sample sizes m and n without ties, as
//   probabilities of U = 0 .. m*n. Exact by the generating function of the Gaussian binomial
//   coefficient; cost O(min(m,n) * m * n).
// - estimate_shift(base, now, confidence): the Hodges-Lehmann estimate of now - base (the
//   median of all pairwise differences), its interval at `confidence` (the order statistics
//   of the pairwise differences that the exact U distribution brackets), and the two-sided
//   p-value of U (mid-rank ties counted as halves, exact distribution). `interval` is empty
//   when the samples are too small for any interval at that confidence (e.g. 3 against 3 at
//   95%), or when either sample is empty.
// - Ties: the exact null distribution assumes none; with ties it is close and slightly
//   conservative for the interval, which uses the differences themselves.
#pragma once

#include <optional>
#include <span>
#include <vector>

namespace ragscale::compare {

struct Interval {
  double low = 0;
  double high = 0;
  bool operator==(const Interval&) const = default;
};

struct ShiftEstimate {
  double shift = 0;                  // Hodges-Lehmann: median of (now_j - base_i)
  std::optional<Interval> interval;  // of the shift, at the requested confidence
  double p_value = 1;                // two-sided Mann-Whitney
};

std::vector<double> mann_whitney_null(size_t m, size_t n);

ShiftEstimate estimate_shift(std::span<const double> base, std::span<const double> now, double confidence = 0.95);

}  // namespace ragscale::compare
