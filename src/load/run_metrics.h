// RunMetrics: the run's statistics seen through the k6 metric names that thresholds use
// (http_req_duration, http_req_failed, http_reqs, http_req_rate_limited, iterations,
// dropped_iterations, checks) and the streamed-answer ones (ttft, itl, tpot, e2e,
// output_tokens, goodput, slo_attainment). Durations are in milliseconds; a name filter selects
// the request names that equal it (any method).
#pragma once

#include "load/scenario/thresholds.h"
#include "stats/run_stats.h"

namespace ragscale::load {

class RunMetrics final : public scenario::MetricSource {
 public:
  explicit RunMetrics(const RunStats& stats) : stats_(stats) {}
  std::optional<double> value(std::string_view metric, std::string_view name_filter,
                              std::string_view aggregation) const override;

 private:
  const RunStats& stats_;
};

}  // namespace ragscale::load
