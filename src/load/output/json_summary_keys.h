// Names shared by the JSON summary writer and reader, so the two cannot drift apart.
#pragma once

#include <string>

#include "stats/reported_percentiles.h"

namespace ragscale::output {

inline constexpr const char* kSummaryFormat = "ragscale-load-summary";
inline constexpr int kSummaryVersion = 1;

// The JSON keys of LlmSecond's fields (history rows' "llm"), in LlmSecond::kCounts and
// LlmSecond::kPercentiles order.
inline constexpr const char* kLlmSecondCountKeys[] = {"streams", "output_tokens", "slo_judged", "slo_good"};
inline constexpr const char* kLlmSecondPercentileKeys[] = {"ttft_p50_us", "ttft_p95_us", "itl_p50_us", "itl_p99_us"};

// "p50", "p99.9", "p100": the key of a reported percentile in JSON objects.
inline std::string percentile_key(double percent) {
  std::string label = percentile_label(percent);
  label.pop_back();  // the '%'
  return "p" + label;
}

}  // namespace ragscale::output
