// The per-interval figures of one request name (or the aggregate) of a run, read from the
// summary's history: the blocks that the significance tests take as independent units.
//
// Contract:
// - interval_series(stats, endpoint) gives one point per interval for `endpoint` (nullptr: the
//   aggregate): completed requests, failures, their mean latency, and (aggregate only) the
//   streamed output tokens. An interval is one closed second; runs longer than
//   kMaxIntervals seconds are cut into kMaxIntervals equal groups of seconds, so the pairwise
//   comparisons stay cheap and each unit still spans the same time in both runs.
// - The first and the last history rows are left out when at least 3 remain: they cover
//   partial seconds (the start of the run, the tail of in-flight requests) whose figures would
//   look like outliers.
// - The mean latency of a second is recovered exactly from the cumulative mean and count of
//   consecutive rows; an interval without requests has mean 0 and is skipped by
//   design_effect_of_means().
// - design_effect_of_means(series, variance): how much the variance of a mean over the run
//   exceeds the independent-requests value, from the spread of the per-interval means
//   (weighted by their requests) against the per-request variance: 1 for independent
//   requests, larger when the seconds differ more than their samples explain. Never below 1;
//   with fewer than 2 usable intervals it is the request count (nothing is known).
// - shared_scale_sd(series, histogram): the relative standard deviation of the run's mean
//   latency that comes from noise its requests share, beyond what independent requests give:
//   sqrt((design effect - 1) * variance / count) / mean, widened by t(k-1) / z for the k
//   intervals it was estimated from (Student's t at 97.5%). 0 for independent requests.
// - design_effect_of_rate(series): the same for the failure ratio (the cluster variance of a
//   ratio estimator against the binomial one); 1 when there are no failures or only failures.
// - histogram_variance(h): the variance of the recorded latencies (bucket values), in us^2.
#pragma once

#include <cstdint>
#include <vector>

#include "stats/run_stats.h"

namespace ragscale::compare {

struct IntervalPoint {
  double seconds = 1;  // length of the interval
  uint64_t requests = 0;
  uint64_t failures = 0;
  double mean_latency_us = 0;
  uint64_t output_tokens = 0;
};

inline constexpr size_t kMaxIntervals = 300;

std::vector<IntervalPoint> interval_series(const RunStats& stats, const EndpointStats* endpoint);

// Per-second rates of the series: requests, and streamed output tokens.
std::vector<double> requests_per_second(const std::vector<IntervalPoint>& series);
std::vector<double> output_tokens_per_second(const std::vector<IntervalPoint>& series);

double design_effect_of_means(const std::vector<IntervalPoint>& series, double per_request_variance);
double shared_scale_sd(const std::vector<IntervalPoint>& series, const LatencyHistogram& latency);
double design_effect_of_rate(const std::vector<IntervalPoint>& series);
double histogram_variance(const LatencyHistogram& histogram);

}  // namespace ragscale::compare
