// The Universal Scalability Law fitted to measured throughput at several replica counts
// (or concurrencies): X(N) = λN / (1 + σ(N − 1) + κN(N − 1)), with σ the contention
// (serialised share) and κ the coherency cost (crosstalk between replicas).
//
// Contract: fit_usl() takes at least three points with distinct N ≥ 1 and throughput > 0.
// It solves the linear least-squares problem N/X = a + b(N − 1) + cN(N − 1) (a = 1/λ,
// b = σ/λ, c = κ/λ; Gunther's linearisation), refitting with σ or κ pinned at 0 when the
// unconstrained solution makes one negative, so the model stays physical. peak() is the
// N of the highest throughput, √((1 − σ)/κ), when κ > 0 and σ < 1: past it adding
// replicas lowers throughput. r_squared is over the measured throughputs.
#pragma once

#include <optional>
#include <span>

namespace ragscale::plan {

struct ScalingPoint {
  double n = 0;           // replicas (or concurrency)
  double throughput = 0;  // requests/s measured at n
};

struct UslModel {
  double lambda = 0;  // throughput of one, without contention
  double sigma = 0;
  double kappa = 0;
  double r_squared = 0;

  double predict(double n) const { return lambda * n / (1 + sigma * (n - 1) + kappa * n * (n - 1)); }
  std::optional<double> peak() const;
};

UslModel fit_usl(std::span<const ScalingPoint> points);

}  // namespace ragscale::plan
