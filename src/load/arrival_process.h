// ArrivalProcess: when the open model's arrivals come, in units of "expected arrivals".
//
// Contract:
// - The open model schedules arrival k at the time the rate's integral reaches C_k
//   (StagedValue::time_of_cumulative). With kConstant, C_k = k: evenly spaced arrivals.
//   With kGamma, C_0 = 0 and C_k = C_(k-1) + X_k with X_k ~ Gamma(shape = burstiness,
//   scale = 1 / burstiness): inter-arrival times of mean 1/rate and coefficient of
//   variation 1/sqrt(burstiness), as vLLM's benchmark_serving draws them. kPoisson is
//   kGamma with burstiness 1 (exponential gaps). Under a changing rate the same draws
//   are stretched by the rate (a time-changed renewal process).
// - ArrivalSequence yields C_0, C_1, ... in order; two sequences with the same spec and
//   seed yield the same values on every platform (sim::Random, own gamma sampler), so
//   every worker can walk the run's one sequence and take its own arrivals.
// - parse_arrival_kind() reads constant | poisson | gamma and throws
//   std::invalid_argument otherwise.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "sim/distribution.h"

namespace ragscale::load {

enum class ArrivalKind { kConstant, kPoisson, kGamma };

struct ArrivalSpec {
  ArrivalKind kind = ArrivalKind::kConstant;
  double burstiness = 1.0;  // gamma shape; > 0
  std::string describe() const;  // "constant", "poisson", "gamma(burstiness 0.5)"
};

ArrivalKind parse_arrival_kind(std::string_view text);

class ArrivalSequence {
 public:
  ArrivalSequence(const ArrivalSpec& spec, uint64_t seed);
  // C_k for the next k (starting at k = 0).
  double next();

 private:
  double gap();
  double gamma_unit_scale(double shape);

  ArrivalSpec spec_;
  sim::Random random_;
  uint64_t index_ = 0;
  double cumulative_ = 0;
};

}  // namespace ragscale::load
