// Think time between a user's tasks (Locust's wait_time).
//
// Contract: kNone waits 0; kConstant waits `min`; kBetween waits uniformly in
// [min, max]; kPacing keeps task starts `min` apart: it waits min - task_elapsed, or 0
// when the task took longer (constant_pacing / constant_throughput in Locust terms).
// parse_wait_range reads the "1s..3s" shorthand; other YAML forms are read by the
// scenario parser. Errors are std::invalid_argument with a how-to-fix message.
#pragma once

#include <chrono>
#include <string>
#include <string_view>

#include "load/scenario/rng.h"

namespace ragscale::scenario {

struct WaitSpec {
  enum class Kind { kNone, kConstant, kBetween, kPacing };
  Kind kind = Kind::kNone;
  std::chrono::microseconds min{0};
  std::chrono::microseconds max{0};

  std::chrono::microseconds next(Rng& rng, std::chrono::microseconds task_elapsed) const;
  // "between 1s and 3s", "constant 1s", "pacing 2s", "none".
  std::string describe() const;
};

// "1s..3s" -> between; a single duration "2s" -> constant.
WaitSpec parse_wait_range(std::string_view text);

}  // namespace ragscale::scenario
