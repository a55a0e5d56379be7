// One finding of `ragscale diagnose`: what limited the run, the evidence behind it (which
// series, when, how much) and what to do. Findings come only from recorded data; each rule
// states its threshold in its evidence.
#pragma once

#include <string>
#include <vector>

#include "load/output/number_format.h"

namespace ragscale::diagnose {

struct Finding {
  std::string rule;      // stable id, e.g. "generator_saturated"
  double severity = 0;   // 0..1: how much the finding explains the run's limits; ranks findings
  std::string title;     // one line
  std::vector<std::string> evidence;
  std::string advice;
};

}  // namespace ragscale::diagnose

namespace ragscale::diagnose {

// A number for evidence lines: `decimals` places, e.g. number(0.973, 2) = "0.97".
inline std::string number(double value, int decimals) { return output::format_fixed(value, decimals); }

}  // namespace ragscale::diagnose
