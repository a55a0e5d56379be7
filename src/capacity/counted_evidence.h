// CountedEvidence: SLO evidence from plain counts and one latency histogram, for judging
// figures that did not come from a RunStats (simulated systems in the tests, figures read
// back). Every proportion metric reads hits of requests; every duration metric reads the
// histogram; both are absent while empty.
#pragma once

#include "capacity/step_verdict.h"

namespace ragscale::capacity {

class CountedEvidence final : public SloEvidence {
 public:
  uint64_t requests = 0;
  uint64_t hits = 0;  // failures for http_req_failed, passes for checks
  LatencyHistogram latency;

  std::optional<load::RunMetrics::Proportion> proportion(std::string_view, std::string_view) const override {
    if (requests == 0) return std::nullopt;
    return load::RunMetrics::Proportion{hits, requests};
  }
  std::optional<LatencyHistogram> distribution(std::string_view, std::string_view) const override {
    if (latency.empty()) return std::nullopt;
    return latency;
  }
};

}  // namespace ragscale::capacity
