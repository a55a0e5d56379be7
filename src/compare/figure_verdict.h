// The verdict on one compared figure, from the confidence interval of its change.
//
// Contract (the rule every output and the exit code follow):
// - worse: the whole interval lies beyond the limit in the bad direction (for a latency: the
//   lowest plausible increase is still above the limit), i.e. the change is both statistically
//   significant and larger than the limit.
// - better: the whole interval lies beyond the limit in the good direction (symmetric).
// - same: anything else: within the limit, or within the noise (the interval reaches back
//   inside the limit), or no interval at all (too few data to tell).
// Requiring the whole interval, not just the point estimate, beyond the limit is what keeps two
// runs of the same build on a noisy machine from being called different: the limit is a margin
// the noise must overcome, not a line the point estimate may cross by luck.
#pragma once

#include <optional>
#include <string_view>

#include "compare/shift_interval.h"

namespace ragscale::compare {

enum class Verdict { kBetter, kSame, kWorse };
enum class Direction { kLowerIsBetter, kHigherIsBetter };

// `change` and `limit` in the same unit (percent, or percentage points), limit >= 0.
Verdict judge_change(const std::optional<Interval>& change, double limit, Direction direction);

std::string_view verdict_name(Verdict verdict);  // "better", "same", "worse"

}  // namespace ragscale::compare
