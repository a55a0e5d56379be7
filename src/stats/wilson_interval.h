// The Wilson score interval of a proportion: where the true success rate lies, given
// `successes` out of `trials`, at the confidence of the normal quantile z (1.96 = 95%).
//
// Contract: low and high lie in [0, 1] and bracket successes/trials; zero trials give
// [0, 1] (nothing is known). Unlike the normal approximation it stays sensible near 0
// and 1 and for small samples (Wilson 1927).
#pragma once

#include <cstdint>

namespace ragscale {

struct ProportionInterval {
  double low = 0;
  double high = 1;
};

inline constexpr double kZ95 = 1.959963984540054;

ProportionInterval wilson_interval(uint64_t successes, uint64_t trials, double z = kZ95);

}  // namespace ragscale
