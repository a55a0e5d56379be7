#include "compare/shift_interval.h"

#include <algorithm>
#include <cmath>

namespace ragscale::compare {

std::vector<double> mann_whitney_null(size_t m, size_t n) {
  if (m > n) std::swap(m, n);
  // The number of arrangements with U = u is the coefficient of q^u in the Gaussian binomial
  // [m+n choose m] = prod_{i=1..m} (1 - q^(n+i)) / (1 - q^i). Multiplying by (1 - q^(n+i)) and
  // dividing by (1 - q^i) (a running sum with stride i) keep every step a polynomial.
  const size_t degree = m * n;
  std::vector<double> ways(degree + 1, 0.0);
  ways[0] = 1;
  for (size_t i = 1; i <= m; ++i) {
    const size_t drop = n + i;
    for (size_t u = degree; u >= drop; --u) {
      ways[u] -= ways[u - drop];
      if (u == drop) break;
    }
    for (size_t u = i; u <= degree; ++u) ways[u] += ways[u - i];
  }
  double total = 0;
  for (double& w : ways) {
    w = std::max(w, 0.0);  // cancellation can leave tiny negatives in the far tails
    total += w;
  }
  for (double& w : ways) w /= total;
  return ways;
}

ShiftEstimate estimate_shift(std::span<const double> base, std::span<const double> now, double confidence) {
  ShiftEstimate result;
  if (base.empty() || now.empty()) return result;
  const size_t m = base.size();
  const size_t n = now.size();
  std::vector<double> differences;
  differences.reserve(m * n);
  double u = 0;
  for (double b : base) {
    for (double x : now) {
      differences.push_back(x - b);
      u += x > b ? 1.0 : (x == b ? 0.5 : 0.0);
    }
  }
  std::sort(differences.begin(), differences.end());
  const size_t pairs = differences.size();
  result.shift = pairs % 2 == 1 ? differences[pairs / 2]
                                : (differences[pairs / 2 - 1] + differences[pairs / 2]) / 2;

  const std::vector<double> null = mann_whitney_null(m, n);
  // Two-sided p-value: twice the smaller tail at the observed U (ties rounded toward the centre).
  const double centre = double(pairs) / 2;
  const size_t lower_u = size_t(std::floor(u <= centre ? u : double(pairs) - u));
  double tail = 0;
  for (size_t k = 0; k <= lower_u && k < null.size(); ++k) tail += null[k];
  result.p_value = std::min(1.0, 2 * tail);

  // The interval [D_(c), D_(mn+1-c)] where c is the largest count with P(U < c) <= alpha/2.
  const double half_alpha = (1 - confidence) / 2;
  size_t c = 0;
  double below = 0;
  while (c < null.size() && below + null[c] <= half_alpha + 1e-12) {
    below += null[c];
    ++c;
  }
  if (c >= 1 && c <= pairs / 2 + 1 && pairs + 1 > c) {
    result.interval = Interval{differences[c - 1], differences[pairs - c]};
  }
  return result;
}

}  // namespace ragscale::compare
