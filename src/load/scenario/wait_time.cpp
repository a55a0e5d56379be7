#include "load/scenario/wait_time.h"

#include <stdexcept>

#include "common/duration.h"

namespace ragscale::scenario {

std::chrono::microseconds WaitSpec::next(Rng& rng, std::chrono::microseconds task_elapsed) const {
  switch (kind) {
    case Kind::kNone:
      return std::chrono::microseconds(0);
    case Kind::kConstant:
      return min;
    case Kind::kBetween:
      return std::chrono::microseconds(rng.uniform_int(min.count(), max.count()));
    case Kind::kPacing:
      return task_elapsed >= min ? std::chrono::microseconds(0) : min - task_elapsed;
  }
  return std::chrono::microseconds(0);
}

std::string WaitSpec::describe() const {
  switch (kind) {
    case Kind::kNone: return "none";
    case Kind::kConstant: return "constant " + format_duration(min);
    case Kind::kBetween: return "between " + format_duration(min) + " and " + format_duration(max);
    case Kind::kPacing: return "pacing " + format_duration(min);
  }
  return "none";
}

WaitSpec parse_wait_range(std::string_view text) {
  WaitSpec wait;
  size_t dots = text.find("..");
  if (dots == std::string_view::npos) {
    wait.kind = WaitSpec::Kind::kConstant;
    wait.min = wait.max = parse_duration(text);
    return wait;
  }
  wait.kind = WaitSpec::Kind::kBetween;
  wait.min = parse_duration(text.substr(0, dots));
  wait.max = parse_duration(text.substr(dots + 2));
  if (wait.min > wait.max) {
    throw std::invalid_argument("wait '" + std::string(text) + "' has its minimum above its maximum; write it as MIN..MAX, e.g. 1s..3s");
  }
  return wait;
}

}  // namespace ragscale::scenario
