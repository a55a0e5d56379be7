#include "plan/usl_fit.h"

#include <array>
#include <cmath>
#include <set>
#include <stdexcept>
#include <string>

namespace ragscale::plan {
namespace {

// Least squares for y = Σ coef_j × x_j over the chosen columns, by the normal equations
// (at most 3 columns; Gaussian elimination with partial pivoting). False when singular.
bool least_squares(std::span<const ScalingPoint> points, const std::array<bool, 3>& use, std::array<double, 3>& coef) {
  auto column = [](const ScalingPoint& p, int j) { return j == 0 ? 1.0 : j == 1 ? p.n - 1 : p.n * (p.n - 1); };
  std::array<int, 3> index{};
  int k = 0;
  for (int j = 0; j < 3; ++j) {
    if (use[j]) index[k++] = j;
  }
  std::array<std::array<double, 4>, 3> m{};
  for (const auto& p : points) {
    const double y = p.n / p.throughput;
    for (int r = 0; r < k; ++r) {
      for (int c = 0; c < k; ++c) m[r][c] += column(p, index[r]) * column(p, index[c]);
      m[r][k] += column(p, index[r]) * y;
    }
  }
  for (int c = 0; c < k; ++c) {
    int pivot = c;
    for (int r = c + 1; r < k; ++r) {
      if (std::abs(m[r][c]) > std::abs(m[pivot][c])) pivot = r;
    }
    if (std::abs(m[pivot][c]) < 1e-300) return false;
    std::swap(m[c], m[pivot]);
    for (int r = 0; r < k; ++r) {
      if (r == c) continue;
      const double factor = m[r][c] / m[c][c];
      for (int j = c; j <= k; ++j) m[r][j] -= factor * m[c][j];
    }
  }
  coef = {0, 0, 0};
  for (int r = 0; r < k; ++r) coef[index[r]] = m[r][k] / m[r][r];
  return true;
}

double r_squared_of(const UslModel& model, std::span<const ScalingPoint> points) {
  double mean = 0;
  for (const auto& p : points) mean += p.throughput;
  mean /= static_cast<double>(points.size());
  double residual = 0, total = 0;
  for (const auto& p : points) {
    residual += std::pow(p.throughput - model.predict(p.n), 2);
    total += std::pow(p.throughput - mean, 2);
  }
  return total > 0 ? 1 - residual / total : 1.0;
}

}  // namespace

std::optional<double> UslModel::peak() const {
  if (kappa <= 0 || sigma >= 1) return std::nullopt;
  return std::sqrt((1 - sigma) / kappa);
}

UslModel fit_usl(std::span<const ScalingPoint> points) {
  std::set<double> distinct;
  for (const auto& p : points) {
    if (!(p.n >= 1) || !(p.throughput > 0) || !std::isfinite(p.n) || !std::isfinite(p.throughput)) {
      throw std::invalid_argument("a scaling point needs N >= 1 and a throughput above 0 (got N " +
                                  std::to_string(p.n) + ", " + std::to_string(p.throughput) + "/s)");
    }
    distinct.insert(p.n);
  }
  if (distinct.size() < 3) {
    throw std::invalid_argument("fitting the scalability law needs measurements at 3 or more different counts (got " +
                                std::to_string(distinct.size()) + ")");
  }
  // The full model first; then with κ = 0, σ = 0, or both, keeping the best physical fit.
  constexpr std::array<std::array<bool, 3>, 4> kModels = {{{true, true, true}, {true, true, false},
                                                           {true, false, true}, {true, false, false}}};
  std::optional<UslModel> best;
  for (const auto& use : kModels) {
    std::array<double, 3> coef{};
    if (!least_squares(points, use, coef) || coef[0] <= 0 || coef[1] < 0 || coef[2] < 0) continue;
    UslModel model;
    model.lambda = 1 / coef[0];
    model.sigma = coef[1] / coef[0];
    model.kappa = coef[2] / coef[0];
    model.r_squared = r_squared_of(model, points);
    if (!best || model.r_squared > best->r_squared + 1e-12) best = model;
    if (use[1] && use[2]) break;  // the unconstrained solution is physical: it is the fit
  }
  if (!best) throw std::invalid_argument("the measurements do not fit the scalability law (throughput falls from the first count)");
  return *best;
}

}  // namespace ragscale::plan
