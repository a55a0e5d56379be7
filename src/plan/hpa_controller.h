// The HorizontalPodAutoscaler's replica calculation as Kubernetes documents and implements
// it (autoscaling/v2, pkg/controller/podautoscaler), for a metric averaged per pod:
//
//   desired = ceil(current × metric ÷ target)
//
// - Tolerance: no change while |metric ÷ target − 1| ≤ tolerance (default 0.1).
// - Pods not ready yet (starting) are counted at 0 usage when scaling up, and the
//   recomputed ratio is used only if it still asks to scale up (so a scale-up is not
//   repeated for pods that are still starting).
// - Stabilization: each sync's raw recommendation is remembered; the applied one is at
//   least the lowest of the scale-up window and at most the highest of the scale-down
//   window (defaults 0 s and 300 s), so one low sample does not remove pods.
// - Rate policies: per direction, a list of {Pods n | Percent p per period}; the limit of
//   a policy counts from the replicas at the period's start (current minus what was added
//   within the period, or plus what was removed), select Max (the policy allowing the
//   largest change, the default), Min or Disabled. Defaults: up max(100%, 4 pods) per 15 s;
//   down 100% per 15 s.
// - min/max replicas bound the result.
// reconcile() is one sync (every 15 s in the controller); times are seconds on any clock
// that only moves forward.
#pragma once

#include <deque>
#include <string>
#include <vector>

namespace ragscale::plan {

struct ScalingPolicy {
  enum class Type { kPods, kPercent };
  Type type = Type::kPercent;
  int value = 100;
  double period_s = 15;
};

struct ScalingRules {
  enum class Select { kMax, kMin, kDisabled };
  double stabilization_window_s = 0;
  std::vector<ScalingPolicy> policies;
  Select select = Select::kMax;
};

struct HpaSpec {
  int min_replicas = 1;
  int max_replicas = 10;
  double target = 70;       // the metric's target average per pod (e.g. 70 % utilization)
  double tolerance = 0.1;
  double sync_period_s = 15;
  ScalingRules scale_up = default_scale_up();
  ScalingRules scale_down = default_scale_down();

  static ScalingRules default_scale_up();    // max(100%, 4 pods) per 15 s, no window
  static ScalingRules default_scale_down();  // 100% per 15 s, a 300 s window
};

// What one sync sees: the pods that exist (ready or starting) and the ready pods' average.
struct HpaObservation {
  int replicas = 0;     // the scale target's current replica count
  int ready = 0;        // of which ready (reporting the metric)
  double metric = 0;    // the ready pods' average metric value
};

class HpaController {
 public:
  explicit HpaController(HpaSpec spec);

  // The replica count this sync sets (may equal observation.replicas).
  int reconcile(double now_s, const HpaObservation& observation);

  // The raw desired count from the metric alone (tolerance and starting pods applied,
  // before stabilization, rate policies and bounds).
  int raw_recommendation(const HpaObservation& observation) const;

  const HpaSpec& spec() const { return spec_; }

 private:
  struct Recommendation {
    double at_s;
    int replicas;
  };
  struct ScaleEvent {
    double at_s;
    int change;  // + added, − removed
  };

  int stabilize(double now_s, int current, int recommended);
  int limit_rate(double now_s, int current, int desired) const;
  int scale_up_limit(double now_s, int current) const;
  int scale_down_limit(double now_s, int current) const;

  HpaSpec spec_;
  std::deque<Recommendation> recommendations_;
  std::deque<ScaleEvent> events_;
};

}  // namespace ragscale::plan
