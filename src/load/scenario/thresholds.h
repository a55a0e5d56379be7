// Pass/fail criteria on run metrics, k6 style, and the abort decision they drive.
//
// Syntax (YAML key + condition, or one CLI string):
//   METRIC[{name:NAME}]  with conditions  AGG OP NUMBER     e.g. p(95)<2000, rate<0.01
//   CLI: 'METRIC[{name:NAME}]:AGG OP NUMBER[;abort_on_fail][;delay=DURATION]'
//        e.g. 'http_req_failed:rate<0.01;abort_on_fail;delay=10s'
// Metrics and their aggregations:
//   http_req_duration (milliseconds): avg min max med p(N)  (0 < N <= 100)
//   http_req_failed: rate            http_req_rate_limited: rate count
//   http_reqs: count rate (per s)    iterations: count rate     dropped_iterations: count rate
//   checks: rate (share of passing checks)
//   ttft, itl, tpot, e2e (streamed answers, milliseconds): avg min max med p(N)
//   output_tokens: count rate      goodput: rate count      slo_attainment: rate
// Operators: < <= > >= == != (=== is read as ==). Unknown metrics, aggregations, tags,
// operators or numbers throw ThresholdError saying what is wrong and what is allowed.
//
// ThresholdEvaluator reads values through MetricSource (so it knows nothing of the stats
// code). A metric with no data yet passes. An abort_on_fail threshold asks for an abort
// once it has failed on every evaluation for at least delay_abort_eval (at once when
// the delay is 0); passing again resets that clock.
#pragma once

#include <chrono>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::scenario {

class ThresholdError : public std::invalid_argument {
 public:
  using std::invalid_argument::invalid_argument;
};

enum class ThresholdOp { kLess, kLessEqual, kGreater, kGreaterEqual, kEqual, kNotEqual };

struct Threshold {
  std::string metric;       // "http_req_duration"
  std::string name_filter;  // "/query"; empty = all requests
  std::string aggregation;  // "p(95)", "avg", "rate", "count", ...
  ThresholdOp op = ThresholdOp::kLess;
  double limit = 0;
  bool abort_on_fail = false;
  std::chrono::microseconds delay_abort_eval{0};
  std::string expression;   // for reports: "http_req_duration{name:/query}: p(99)<5000"

  bool holds_for(double observed) const;
};

// metric_key is "METRIC" or "METRIC{name:NAME}"; condition is "AGG OP NUMBER".
Threshold parse_threshold(std::string_view metric_key, std::string_view condition);
// The --threshold form described above.
Threshold parse_threshold_cli(std::string_view text);

class MetricSource {
 public:
  virtual ~MetricSource() = default;
  // nullopt when the metric has no data (yet) for this filter.
  virtual std::optional<double> value(std::string_view metric, std::string_view name_filter,
                                      std::string_view aggregation) const = 0;
};

struct ThresholdResult {
  std::string expression;
  bool passed = true;
  double observed = 0;  // NaN when there was no data
  bool has_data = false;
};

struct ThresholdEvaluation {
  std::vector<ThresholdResult> results;
  bool abort = false;
  std::string abort_reason;  // names the threshold and how long it has failed
  bool all_passed() const;
};

class ThresholdEvaluator {
 public:
  using Clock = std::chrono::steady_clock;
  explicit ThresholdEvaluator(std::vector<Threshold> thresholds);

  ThresholdEvaluation evaluate(const MetricSource& source, Clock::time_point now);
  const std::vector<Threshold>& thresholds() const { return thresholds_; }

 private:
  std::vector<Threshold> thresholds_;
  std::vector<std::optional<Clock::time_point>> failing_since_;
};

}  // namespace ragscale::scenario
