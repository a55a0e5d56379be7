#include "compare/figure_verdict.h"

namespace ragscale::compare {

Verdict judge_change(const std::optional<Interval>& change, double limit, Direction direction) {
  if (!change) return Verdict::kSame;
  const bool above = change->low > limit;
  const bool below = change->high < -limit;
  if (direction == Direction::kLowerIsBetter) return above ? Verdict::kWorse : below ? Verdict::kBetter : Verdict::kSame;
  return below ? Verdict::kWorse : above ? Verdict::kBetter : Verdict::kSame;
}

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kBetter: return "better";
    case Verdict::kWorse: return "worse";
    case Verdict::kSame: break;
  }
  return "same";
}

}  // namespace ragscale::compare
