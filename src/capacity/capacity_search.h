// The capacity search: the highest load a target sustains within its SLOs, found with as
// few steps as the tolerance allows. Pure: the caller injects how one step at a load runs
// (a real in-process run, or a simulated system in the unit tests).
//
// Contract:
// - Growth: loads start, start*growth, ... (capped at max) until a step does not pass. A
//   step that is undecided but whose estimates meet every SLO (typically too few samples at
//   a low load) does not end the growth: higher loads bring more samples per second. It is
//   not a pass either.
// - Bisection: between the last pass and the first step above it that did not pass (failed,
//   or undecided: undecided counts as not passing), at the midpoint, until
//   first_fail <= last_pass * (1 + tolerance); with whole-number loads (users) also when
//   no whole number lies between them.
// - The capacity is the last pass. End says why the search stopped: converged (bracket
//   within tolerance), reached_max (max passed: the capacity is at least max), no_pass (no
//   step passed: even the first one failed, or none was decided), interrupted (a step was
//   interrupted; what was found so far stands, the interrupted step counts for nothing).
#pragma once

#include <functional>
#include <optional>
#include <string_view>
#include <vector>

#include "capacity/step_verdict.h"

namespace ragscale::capacity {

struct SearchSettings {
  double start = 1;
  double max = 1e9;
  double growth = 2;
  double tolerance = 0.05;
  bool whole_numbers = false;  // users: only whole loads
};

struct StepResult {
  Verdict verdict = Verdict::kUndecided;
  bool estimate_meets = false;
  bool interrupted = false;
};

enum class SearchPhase { kGrowth, kBisection };
enum class SearchEnd { kConverged, kReachedMax, kNoPass, kInterrupted };
std::string_view search_end_name(SearchEnd end);  // "converged", "reached_max", "no_pass", "interrupted"

struct SearchStep {
  double load = 0;
  SearchPhase phase = SearchPhase::kGrowth;
  StepResult result;
};

struct SearchResult {
  std::vector<SearchStep> steps;
  std::optional<double> last_pass;   // the capacity
  std::optional<double> first_fail;  // the lowest load above last_pass that did not pass
  SearchEnd end = SearchEnd::kNoPass;
};

using RunStep = std::function<StepResult(double load, SearchPhase phase)>;

SearchResult search_capacity(const SearchSettings& settings, const RunStep& run_step);

}  // namespace ragscale::capacity
