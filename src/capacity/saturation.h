// SaturationDetector: says when an open-model step is clearly beyond what the target can
// serve, so the step can stop early with a failed verdict instead of running its full time.
// Fed once a second with the step's cumulative counters, it reports the first of:
//   - dropped arrivals: every virtual user busy and the backlog full;
//   - achieved far below offered: over the last 3 s fewer than half the offered iterations
//     completed;
//   - most arrivals late: over the last 3 s more than half started late (the backlog is
//     growing, or this machine cannot keep up);
//   - in flight rising without bound: iterations in flight (Little's law: rate x latency)
//     trend upward (Mann-Kendall test, one-sided p < 0.01) and grew by at least half their
//     early level (and by 4) over the step, i.e. arrivals outpace answers and latency grows
//     with the step's length.
// A stable system, however loaded, trips none: its in-flight count and completion rate are
// flat. The closed model needs no detector (its users wait for answers).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ragscale::capacity {

struct SecondObservation {
  double elapsed_seconds = 0;
  uint64_t iterations = 0;  // completed so far
  uint64_t dropped = 0;     // so far
  uint64_t late = 0;        // so far
  uint64_t in_flight = 0;   // busy virtual users in the last second
};

class SaturationDetector {
 public:
  explicit SaturationDetector(double offered_rate) : offered_rate_(offered_rate) {}

  // The reason, once saturated (and from then on); nullopt while not.
  std::optional<std::string> observe(const SecondObservation& observation);

  // In flight may be trending upward (Mann-Kendall, one-sided p < 0.05, however small the
  // growth so far): a step that passes while this holds is extended, to see whether it
  // saturates.
  bool rising() const;

 private:
  std::optional<std::string> judge() const;
  std::vector<double> trend_points(double from_second) const;  // in flight, from that second on

  double offered_rate_;
  std::vector<SecondObservation> seconds_;
  std::optional<std::string> reason_;
};

}  // namespace ragscale::capacity
