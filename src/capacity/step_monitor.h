// StepMonitor: decides, once a second while a capacity step runs, whether the step can end,
// and gives the step's verdict when it has.
//
// Contract:
// - A step runs at least `min_seconds` (--step-time). From then on, every `look_every`
//   seconds, it ends as soon as its verdict is decided (judge_step() says pass or fail),
//   or as soon as it is clear it cannot be decided by `max_seconds` (the same estimates with
//   max/elapsed times the samples would still be undecided: a futile extension). Otherwise
//   it is extended, up to max_seconds, where the runner ends it and it may stay undecided.
// - Open model: a saturated step (saturation.h) ends at once and fails, whatever the SLOs
//   say; a step that passes while its in-flight count still trends upward is extended, so a
//   load just above capacity is not passed only because the step was short.
// - finish() judges the step's final figures (after requests in flight were answered).
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "capacity/capacity_slo.h"
#include "capacity/saturation.h"
#include "capacity/step_verdict.h"

namespace ragscale::capacity {

struct StepTiming {
  double min_seconds = 10;
  double max_seconds = 30;
  double look_every = 5;
};

class StepMonitor {
 public:
  // open_rate: the offered arrivals per second in the open model; nullopt for closed.
  StepMonitor(const std::vector<CapacitySlo>& slos, StepTiming timing, std::optional<double> open_rate);

  // True: end the step now.
  bool observe(const SecondObservation& observation, const SloEvidence& evidence);

  StepVerdict finish(const SloEvidence& final_evidence) const;

  const std::optional<std::string>& saturation() const { return saturation_; }

 private:
  const std::vector<CapacitySlo>& slos_;
  StepTiming timing_;
  std::optional<SaturationDetector> detector_;
  std::optional<std::string> saturation_;
  double next_look_;
};

}  // namespace ragscale::capacity
