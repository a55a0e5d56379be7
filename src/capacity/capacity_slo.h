// CapacitySlo: one service-level objective of `ragscale capacity --slo`, in the threshold
// syntax (load/scenario/thresholds.h), restricted to what a step can decide statistically:
//   - a proportion's rate: http_req_failed, http_req_rate_limited, checks  (rate<0.01, ...)
//     judged by the 95% Wilson interval of the proportion;
//   - a duration's percentile: http_req_duration, ttft, itl, tpot, e2e  (p(95)<2000, med<...)
//     judged by the distribution-free 95% interval of the percentile (order statistics).
// A name filter ({name:/query}) is allowed; the operator must be <, <=, > or >=.
//
// Contract: parse_capacity_slo() throws std::invalid_argument with one line naming the
// objective, what cannot be judged and what can (averages, maxima, counts and == have no
// honest interval from one step, so they are refused rather than guessed).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "load/scenario/thresholds.h"

namespace ragscale::capacity {

struct CapacitySlo {
  enum class Kind { kProportion, kPercentile };
  scenario::Threshold threshold;
  Kind kind = Kind::kProportion;
  double quantile = 0;  // kPercentile: in (0, 1]
  // True for < and <=: the figure must stay below the limit (an error rate, a latency).
  bool is_ceiling() const;
};

CapacitySlo parse_capacity_slo(std::string_view text);

// The fewest samples with which a step where everything went well (no failure; every
// duration far below its limit) can be judged a pass: e.g. 381 requests for
// http_req_failed:rate<0.01, 72 for a p(95). The default first load is derived from it.
uint64_t samples_for_clean_pass(const CapacitySlo& slo);

}  // namespace ragscale::capacity
