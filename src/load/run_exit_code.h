// The exit codes of a load run, shared by every command that ends with one (load,
// load --processes, merge), as load --help lists them.
#pragma once

namespace ragscale::load {

inline constexpr int kExitThresholdFailed = 1;
inline constexpr int kExitBadInput = 2;
inline constexpr int kExitAborted = 3;
inline constexpr int kExitInterrupted = 130;

// An abort wins over a failed threshold, which wins over an interruption; otherwise
// `otherwise` (0, or 2 when an output could not be written).
inline int run_exit_code(bool aborted, bool thresholds_passed, bool interrupted, int otherwise = 0) {
  if (aborted) return kExitAborted;
  if (!thresholds_passed) return kExitThresholdFailed;
  if (interrupted) return kExitInterrupted;
  return otherwise;
}

}  // namespace ragscale::load
