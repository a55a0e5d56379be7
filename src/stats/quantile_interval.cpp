#include "stats/quantile_interval.h"

#include <algorithm>
#include <cmath>

namespace ragscale {

QuantileRanks quantile_confidence_ranks(uint64_t n, double q, double confidence) {
  QuantileRanks ranks;
  if (n == 0) return ranks;
  q = std::clamp(q, 0.0, 1.0);
  const double tail = (1.0 - confidence) / 2.0;
  if (q <= 0.0) {
    ranks.lower = 1;
    ranks.upper = 1;
    return ranks;
  }
  if (q >= 1.0) {
    ranks.lower = n;  // the maximum is the 100th percentile
    ranks.upper = n;
    return ranks;
  }
  // cdf = P(B <= k) for B ~ Binomial(n, q), built term by term in log space so large n
  // neither underflows nor overflows. X(k) >= the quantile with probability P(B <= k - 1),
  // and X(k) <= it with probability P(B >= k).
  const double log_q = std::log(q);
  const double log_not_q = std::log1p(-q);
  const double nd = static_cast<double>(n);
  double log_pmf = nd * log_not_q;  // P(B = 0)
  double cdf = 0;
  for (uint64_t k = 0; k < n; ++k) {
    cdf += std::exp(log_pmf);  // now P(B <= k)
    if (cdf <= tail) ranks.lower = k + 1;
    if (cdf >= 1.0 - tail) {
      ranks.upper = k + 1;
      break;
    }
    const double kd = static_cast<double>(k);
    log_pmf += std::log((nd - kd) / (kd + 1.0)) + log_q - log_not_q;
  }
  return ranks;
}

uint64_t samples_for_quantile_upper_bound(double q, double confidence) {
  q = std::clamp(q, 0.0, 1.0);
  if (q >= 1.0) return 1;
  const double tail = (1.0 - confidence) / 2.0;
  if (q <= 0.0) return 1;
  // X(n) bounds the quantile from above when P(B <= n - 1) = 1 - q^n >= 1 - tail.
  return static_cast<uint64_t>(std::ceil(std::log(tail) / std::log(q) - 1e-9));
}

}  // namespace ragscale
