#include "capacity/step_monitor.h"

namespace ragscale::capacity {

StepMonitor::StepMonitor(const std::vector<CapacitySlo>& slos, StepTiming timing, std::optional<double> open_rate)
    : slos_(slos), timing_(timing), next_look_(timing.min_seconds) {
  if (open_rate) detector_.emplace(*open_rate);
}

bool StepMonitor::observe(const SecondObservation& observation, const SloEvidence& evidence) {
  if (detector_) {
    saturation_ = detector_->observe(observation);
    if (saturation_) return true;
  }
  const double elapsed = observation.elapsed_seconds;
  // A tolerance of a tenth of a second: the runner's seconds tick slightly late.
  if (elapsed + 0.1 < next_look_) return false;
  while (next_look_ <= elapsed + 0.1) next_look_ += timing_.look_every;
  const StepVerdict now = judge_step(slos_, evidence);
  if (now.verdict == Verdict::kFail) return true;
  if (now.verdict == Verdict::kPass) return !(detector_ && detector_->rising());
  if (elapsed + 0.1 >= timing_.max_seconds) return true;
  // Futile: even with the samples of a full-length step at today's estimates it stays open.
  const double scale = timing_.max_seconds / std::max(elapsed, 1.0);
  return judge_step(slos_, evidence, scale).verdict == Verdict::kUndecided;
}

StepVerdict StepMonitor::finish(const SloEvidence& final_evidence) const {
  StepVerdict verdict = judge_step(slos_, final_evidence);
  if (saturation_) {
    verdict.verdict = Verdict::kFail;
    verdict.estimate_meets = false;
    verdict.why = "saturated: " + *saturation_;
    verdict.bound_by = "saturation";
  }
  return verdict;
}

}  // namespace ragscale::capacity
