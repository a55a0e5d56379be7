#include "compare/proportion_difference.h"

#include <cmath>

#include "stats/wilson_interval.h"

namespace ragscale::compare {

std::optional<Interval> proportion_difference(uint64_t base_failures, uint64_t base_requests,
                                              double base_design_effect, uint64_t now_failures,
                                              uint64_t now_requests, double now_design_effect) {
  if (base_requests == 0 || now_requests == 0) return std::nullopt;
  const double p1 = double(base_failures) / double(base_requests);
  const double p2 = double(now_failures) / double(now_requests);
  const ProportionInterval w1 = wilson_interval(base_failures, base_requests, kZ95 * std::sqrt(base_design_effect));
  const ProportionInterval w2 = wilson_interval(now_failures, now_requests, kZ95 * std::sqrt(now_design_effect));
  const double difference = p2 - p1;
  // Newcombe (1998), method 10.
  return Interval{difference - std::hypot(p2 - w2.low, w1.high - p1), difference + std::hypot(w2.high - p2, p1 - w1.low)};
}

}  // namespace ragscale::compare
