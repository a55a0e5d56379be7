#include "compare/interval_series.h"

#include <algorithm>
#include <cmath>

namespace ragscale::compare {
namespace {

const SeriesPoint* point_of(const HistoryRow& row, const EndpointStats* endpoint, const RunStats& stats) {
  if (endpoint == nullptr) return &row.aggregate;
  const size_t index = size_t(endpoint - stats.endpoints().data());
  return index < row.endpoints.size() ? &row.endpoints[index] : nullptr;
}

}  // namespace

std::vector<IntervalPoint> interval_series(const RunStats& stats, const EndpointStats* endpoint) {
  const std::vector<HistoryRow>& history = stats.history();
  std::vector<IntervalPoint> seconds;
  seconds.reserve(history.size());
  uint64_t previous_total = 0;
  double previous_sum = 0;  // cumulative latency sum, from the cumulative mean
  for (const HistoryRow& row : history) {
    IntervalPoint second;
    if (const SeriesPoint* point = point_of(row, endpoint, stats); point != nullptr) {
      second.requests = point->requests;
      second.failures = point->failures;
      const double sum = point->total_mean_us * double(point->total_requests);
      if (point->total_requests > previous_total) {
        second.mean_latency_us = std::max(0.0, (sum - previous_sum) / double(point->total_requests - previous_total));
      }
      previous_total = point->total_requests;
      previous_sum = sum;
    }
    if (endpoint == nullptr) second.output_tokens = row.llm.output_tokens;
    seconds.push_back(second);
  }
  if (seconds.size() >= 5) seconds = std::vector<IntervalPoint>(seconds.begin() + 1, seconds.end() - 1);
  if (seconds.size() <= kMaxIntervals) return seconds;

  const size_t group = (seconds.size() + kMaxIntervals - 1) / kMaxIntervals;
  std::vector<IntervalPoint> grouped;
  for (size_t start = 0; start < seconds.size(); start += group) {
    IntervalPoint block;
    block.seconds = 0;
    double latency_sum = 0;
    for (size_t i = start; i < std::min(seconds.size(), start + group); ++i) {
      block.seconds += 1;
      block.requests += seconds[i].requests;
      block.failures += seconds[i].failures;
      block.output_tokens += seconds[i].output_tokens;
      latency_sum += seconds[i].mean_latency_us * double(seconds[i].requests);
    }
    if (block.requests > 0) block.mean_latency_us = latency_sum / double(block.requests);
    grouped.push_back(block);
  }
  return grouped;
}

std::vector<double> requests_per_second(const std::vector<IntervalPoint>& series) {
  std::vector<double> rates;
  for (const IntervalPoint& point : series) rates.push_back(double(point.requests) / point.seconds);
  return rates;
}

std::vector<double> output_tokens_per_second(const std::vector<IntervalPoint>& series) {
  std::vector<double> rates;
  for (const IntervalPoint& point : series) rates.push_back(double(point.output_tokens) / point.seconds);
  return rates;
}

double design_effect_of_means(const std::vector<IntervalPoint>& series, double per_request_variance) {
  uint64_t total = 0;
  double weighted_sum = 0;
  size_t used = 0;
  for (const IntervalPoint& point : series) {
    if (point.requests == 0) continue;
    total += point.requests;
    weighted_sum += point.mean_latency_us * double(point.requests);
    ++used;
  }
  if (used < 2 || total == 0) return std::max<double>(1.0, double(total));
  const double mean = weighted_sum / double(total);
  double spread = 0;
  for (const IntervalPoint& point : series) {
    if (point.requests == 0) continue;
    const double deviation = point.mean_latency_us - mean;
    spread += double(point.requests) * deviation * deviation;
  }
  // For independent requests, E[sum n_i (m_i - M)^2] = (k - 1) sigma^2.
  const double between = spread / double(used - 1);
  if (per_request_variance <= 0) return between > 0 ? double(total) : 1.0;
  return std::clamp(between / per_request_variance, 1.0, double(total));
}

namespace {

// Student's t quantile over the normal one at 97.5%, for `df` degrees of freedom
// (Cornish-Fisher expansion; within 0.2% of the table from df = 3 on).
double t_over_z(size_t df) {
  if (df == 0) return 1;
  constexpr double z = 1.959963984540054;
  const double d = double(df);
  const double t = z + (z * z * z + z) / (4 * d) + (5 * std::pow(z, 5) + 16 * z * z * z + 3 * z) / (96 * d * d);
  return t / z;
}

}  // namespace

double shared_scale_sd(const std::vector<IntervalPoint>& series, const LatencyHistogram& latency) {
  if (latency.count() == 0 || latency.mean() <= 0) return 0;
  const double variance = histogram_variance(latency);
  const double effect = design_effect_of_means(series, variance);
  const size_t used = size_t(std::count_if(series.begin(), series.end(), [](const IntervalPoint& point) {
    return point.requests > 0;
  }));
  // The spread is estimated from few intervals: widen it as a t interval would.
  const double widening = used >= 2 ? t_over_z(used - 1) : 1;
  return widening * std::sqrt((effect - 1) * variance / double(latency.count())) / latency.mean();
}

double design_effect_of_rate(const std::vector<IntervalPoint>& series) {
  uint64_t requests = 0;
  uint64_t failures = 0;
  size_t used = 0;
  for (const IntervalPoint& point : series) {
    requests += point.requests;
    failures += point.failures;
    if (point.requests > 0) ++used;
  }
  if (requests == 0 || failures == 0 || failures == requests) return 1.0;
  if (used < 2) return double(requests);
  const double rate = double(failures) / double(requests);
  double residuals = 0;
  for (const IntervalPoint& point : series) {
    const double residual = double(point.failures) - rate * double(point.requests);
    residuals += residual * residual;
  }
  const double n = double(requests);
  const double cluster_variance = double(used) / double(used - 1) * residuals / (n * n);
  const double binomial_variance = rate * (1 - rate) / n;
  return std::clamp(cluster_variance / binomial_variance, 1.0, n);
}

double histogram_variance(const LatencyHistogram& histogram) {
  if (histogram.count() < 2) return 0;
  const double mean = histogram.mean();
  double squares = 0;
  histogram.for_each_nonzero([&](uint64_t value_us, uint64_t count) {
    const double deviation = double(value_us) - mean;
    squares += double(count) * deviation * deviation;
  });
  return squares / double(histogram.count() - 1);
}

}  // namespace ragscale::compare
