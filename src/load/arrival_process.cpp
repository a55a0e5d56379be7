#include "load/arrival_process.h"

#include <cmath>
#include <cstdio>
#include <stdexcept>

namespace ragscale::load {

std::string ArrivalSpec::describe() const {
  switch (kind) {
    case ArrivalKind::kConstant: return "constant";
    case ArrivalKind::kPoisson: return "poisson";
    case ArrivalKind::kGamma: {
      char text[48];
      std::snprintf(text, sizeof text, "gamma(burstiness %g)", burstiness);
      return text;
    }
  }
  return "constant";
}

ArrivalKind parse_arrival_kind(std::string_view text) {
  if (text == "constant") return ArrivalKind::kConstant;
  if (text == "poisson") return ArrivalKind::kPoisson;
  if (text == "gamma") return ArrivalKind::kGamma;
  throw std::invalid_argument("'" + std::string(text) + "' is not an arrival process; use constant, poisson or gamma");
}

ArrivalSequence::ArrivalSequence(const ArrivalSpec& spec, uint64_t seed) : spec_(spec), random_(seed) {
  if (spec_.kind == ArrivalKind::kPoisson) spec_.burstiness = 1.0;
}

double ArrivalSequence::next() {
  if (spec_.kind == ArrivalKind::kConstant) return static_cast<double>(index_++);
  const double value = cumulative_;
  cumulative_ += gap();
  ++index_;
  return value;
}

double ArrivalSequence::gap() {
  const double shape = spec_.burstiness;
  return gamma_unit_scale(shape) / shape;  // mean 1
}

// Marsaglia and Tsang's method; for shape < 1, Gamma(shape + 1) * U^(1/shape).
double ArrivalSequence::gamma_unit_scale(double shape) {
  if (shape < 1.0) {
    double u = random_.unit();
    while (u <= 0.0) u = random_.unit();
    return gamma_unit_scale(shape + 1.0) * std::pow(u, 1.0 / shape);
  }
  const double d = shape - 1.0 / 3.0;
  const double c = 1.0 / std::sqrt(9.0 * d);
  for (;;) {
    double x = 0;
    double v = 0;
    do {
      x = random_.standard_normal();
      v = 1.0 + c * x;
    } while (v <= 0.0);
    v = v * v * v;
    const double u = random_.unit();
    if (u < 1.0 - 0.0331 * x * x * x * x) return d * v;
    if (u > 0.0 && std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) return d * v;
  }
}

}  // namespace ragscale::load
