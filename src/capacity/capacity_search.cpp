#include "capacity/capacity_search.h"

#include <algorithm>
#include <cmath>

namespace ragscale::capacity {

std::string_view search_end_name(SearchEnd end) {
  switch (end) {
    case SearchEnd::kConverged: return "converged";
    case SearchEnd::kReachedMax: return "reached_max";
    case SearchEnd::kNoPass: return "no_pass";
    case SearchEnd::kInterrupted: return "interrupted";
  }
  return "no_pass";
}

SearchResult search_capacity(const SearchSettings& settings, const RunStep& run_step) {
  SearchResult result;
  auto run = [&](double load, SearchPhase phase) {
    StepResult step = run_step(load, phase);
    result.steps.push_back({load, phase, step});
    return step;
  };

  // Growth.
  double load = settings.whole_numbers ? std::max(1.0, std::round(settings.start)) : settings.start;
  for (;;) {
    const StepResult step = run(load, SearchPhase::kGrowth);
    if (step.interrupted) {
      result.end = SearchEnd::kInterrupted;
      return result;
    }
    const bool passed = step.verdict == Verdict::kPass;
    const bool looks_good = step.verdict == Verdict::kUndecided && step.estimate_meets;
    if (!passed && !looks_good) {
      result.first_fail = load;
      break;
    }
    if (passed) result.last_pass = load;
    if (load >= settings.max) {
      result.end = result.last_pass ? SearchEnd::kReachedMax : SearchEnd::kNoPass;
      return result;
    }
    double next = std::min(load * settings.growth, settings.max);
    if (settings.whole_numbers) next = std::min(settings.max, std::max(load + 1, std::round(next)));
    load = next;
  }
  if (!result.last_pass) {
    result.end = SearchEnd::kNoPass;
    return result;
  }

  // Bisection.
  double low = *result.last_pass;
  double high = *result.first_fail;
  while (high > low * (1 + settings.tolerance)) {
    double middle = (low + high) / 2;
    if (settings.whole_numbers) {
      middle = std::floor(middle);
      if (middle <= low || middle >= high) break;
    }
    const StepResult step = run(middle, SearchPhase::kBisection);
    if (step.interrupted) {
      result.end = SearchEnd::kInterrupted;
      return result;
    }
    (step.verdict == Verdict::kPass ? low : high) = middle;
    result.last_pass = low;
    result.first_fail = high;
  }
  result.end = SearchEnd::kConverged;
  return result;
}

}  // namespace ragscale::capacity
