// The interval of the difference of two failure ratios, honest about failures that come in
// bursts.
//
// Contract: proportion_difference(base_failures, base_requests, base_design_effect, ...) gives
// the interval of now_rate - base_rate (fractions, not percent) by Newcombe's hybrid score
// method, which combines each run's Wilson interval (stats/wilson_interval.h). Each Wilson
// interval is taken at z * sqrt(design effect): identical to a Wilson interval on the effective
// sample size requests / design effect, so a run whose failures cluster in a few seconds
// (interval_series.h, design_effect_of_rate) counts as fewer independent trials. Zero requests
// in either run give no interval.
#pragma once

#include <cstdint>
#include <optional>

#include "compare/shift_interval.h"

namespace ragscale::compare {

std::optional<Interval> proportion_difference(uint64_t base_failures, uint64_t base_requests,
                                              double base_design_effect, uint64_t now_failures,
                                              uint64_t now_requests, double now_design_effect);

}  // namespace ragscale::compare
