// Names shared by the JSON summary writer and reader, so the two cannot drift apart.
#pragma once

#include <string>

#include "stats/reported_percentiles.h"

namespace ragscale::output {

inline constexpr const char* kSummaryFormat = "ragscale-load-summary";
inline constexpr int kSummaryVersion = 1;

// "p50", "p99.9", "p100": the key of a reported percentile in JSON objects.
inline std::string percentile_key(double percent) {
  std::string label = percentile_label(percent);
  label.pop_back();  // the '%'
  return "p" + label;
}

}  // namespace ragscale::output
