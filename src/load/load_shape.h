// Load shapes: how much load a run applies over time.
//
// Closed model (Locust, k6 ramping-vus): a number of concurrent users, reached at a
// spawn rate or following stages. Open model (wrk2, k6 ramping-arrival-rate): a number
// of iterations started per second, constant or following stages, independent of how
// fast the target answers.
//
// Stages are k6's list of {duration, target}: the value moves linearly from the previous
// stage's target (0 at the start, or `start` for the open model) to this one's over the
// duration. A zero-length stage jumps. After the last stage the last target holds
// until the run ends (the run time, if set, ends it; otherwise the stages' total does).
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "load/scenario/scenario.h"

namespace ragscale::load {

using Seconds = std::chrono::duration<double>;

using Stage = scenario::Stage;

// A piecewise-linear function of time built from stages.
class StagedValue {
 public:
  StagedValue() = default;
  StagedValue(double start, std::vector<Stage> stages);

  double at(Seconds t) const;
  Seconds total_duration() const;
  const std::vector<Stage>& stages() const { return stages_; }
  double start() const { return start_; }
  double peak() const;

  // Open model: the time at which the cumulative count of arrivals (the integral of the
  // value from 0) reaches `count`; nullopt if it never does within the stages (after the
  // last stage the last value holds forever).
  std::optional<Seconds> time_of_cumulative(double count) const;

 private:
  double start_ = 0;
  std::vector<Stage> stages_;
};

// Closed-model users: "users at spawn_rate" is the stage list {users/spawn_rate -> users}.
StagedValue users_at_spawn_rate(double users, double spawn_rate);

}  // namespace ragscale::load
