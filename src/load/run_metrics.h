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
  // The counts behind a proportion's rate: failures of requests (http_req_failed), passes
  // (checks), rate-limited answers (http_req_rate_limited).
  struct Proportion {
    uint64_t hits = 0;
    uint64_t trials = 0;
  };

  explicit RunMetrics(const RunStats& stats) : stats_(stats) {}
  std::optional<double> value(std::string_view metric, std::string_view name_filter,
                              std::string_view aggregation) const override;

  // nullopt when the metric is not a proportion or no request matched the filter.
  std::optional<Proportion> proportion(std::string_view metric, std::string_view name_filter) const;
  // The samples behind a duration metric (http_req_duration, ttft, itl, tpot, e2e), in
  // microseconds; nullopt when the metric is not a duration or no request matched.
  std::optional<LatencyHistogram> distribution(std::string_view metric, std::string_view name_filter) const;

 private:
  const RunStats& stats_;
};

}  // namespace ragscale::load
