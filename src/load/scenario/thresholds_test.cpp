#include "load/scenario/thresholds.h"

#include <gtest/gtest.h>

#include <cmath>
#include <map>

namespace ragscale::scenario {
namespace {

using namespace std::chrono_literals;

std::string error_of(std::string_view key, std::string_view condition) {
  try {
    parse_threshold(key, condition);
  } catch (const ThresholdError& e) {
    return e.what();
  }
  return "";
}

class FakeMetrics : public MetricSource {
 public:
  std::map<std::string, double> values;  // "metric|filter|aggregation"
  std::optional<double> value(std::string_view metric, std::string_view name_filter,
                              std::string_view aggregation) const override {
    auto found = values.find(std::string(metric) + "|" + std::string(name_filter) + "|" + std::string(aggregation));
    if (found == values.end()) return std::nullopt;
    return found->second;
  }
};

TEST(ThresholdParse, ReadsYamlForm) {
  Threshold threshold = parse_threshold("http_req_duration", "p(95) < 2000");
  EXPECT_EQ(threshold.metric, "http_req_duration");
  EXPECT_EQ(threshold.name_filter, "");
  EXPECT_EQ(threshold.aggregation, "p(95)");
  EXPECT_EQ(threshold.op, ThresholdOp::kLess);
  EXPECT_EQ(threshold.limit, 2000);
  EXPECT_EQ(threshold.expression, "http_req_duration: p(95) < 2000");

  Threshold filtered = parse_threshold("http_req_duration{name:/query}", "p(99.9)<=5000");
  EXPECT_EQ(filtered.name_filter, "/query");
  EXPECT_EQ(filtered.aggregation, "p(99.9)");
  EXPECT_EQ(filtered.op, ThresholdOp::kLessEqual);

  EXPECT_EQ(parse_threshold("checks", "rate>=0.99").op, ThresholdOp::kGreaterEqual);
  EXPECT_EQ(parse_threshold("dropped_iterations", "count===0").op, ThresholdOp::kEqual);
  EXPECT_EQ(parse_threshold("http_reqs", "rate>100").op, ThresholdOp::kGreater);
  EXPECT_EQ(parse_threshold("http_req_rate_limited", "count!=3").op, ThresholdOp::kNotEqual);
  EXPECT_EQ(parse_threshold("http_req_duration{name:\"/a b\"}", "med<1").name_filter, "/a b");
}

TEST(ThresholdParse, ReadsCliFormWithAbortOptions) {
  Threshold threshold = parse_threshold_cli("http_req_failed:rate<0.01;abort_on_fail;delay=10s");
  EXPECT_EQ(threshold.metric, "http_req_failed");
  EXPECT_EQ(threshold.aggregation, "rate");
  EXPECT_DOUBLE_EQ(threshold.limit, 0.01);
  EXPECT_TRUE(threshold.abort_on_fail);
  EXPECT_EQ(threshold.delay_abort_eval, 10s);

  Threshold filtered = parse_threshold_cli("http_req_duration{name:/a:b}:p(99)<2000");
  EXPECT_EQ(filtered.name_filter, "/a:b");
  EXPECT_EQ(filtered.aggregation, "p(99)");
  EXPECT_FALSE(filtered.abort_on_fail);
}

TEST(ThresholdParse, ExplainsBadExpressions) {
  EXPECT_NE(error_of("http_req_latency", "avg<1").find("unknown threshold metric 'http_req_latency'; metrics: http_req_duration"),
            std::string::npos);
  EXPECT_NE(error_of("http_req_duration", "rate<1").find("'rate' is not an aggregation of http_req_duration"),
            std::string::npos);
  EXPECT_NE(error_of("http_req_duration", "p(95)<<2000").find("bad number '<2000'"), std::string::npos);
  EXPECT_NE(error_of("http_req_duration", "p(95)").find("expected AGGREGATION OPERATOR NUMBER"), std::string::npos);
  EXPECT_NE(error_of("http_req_duration", "p(101)<5").find("0 < N <= 100"), std::string::npos);
  EXPECT_NE(error_of("http_req_duration", "p(95)<fast").find("bad number 'fast'"), std::string::npos);
  EXPECT_NE(error_of("http_req_duration{method:GET}", "avg<5").find("only the name tag"), std::string::npos);
  EXPECT_NE(error_of("http_req_failed", "rate=>0").find("bad operator"), std::string::npos);
  EXPECT_THROW(parse_threshold_cli("http_req_failed"), ThresholdError);
  EXPECT_THROW(parse_threshold_cli("http_req_failed:rate<0.1;abort"), ThresholdError);
  EXPECT_THROW(parse_threshold_cli("http_req_failed:rate<0.1;delay=soon"), ThresholdError);
}

TEST(ThresholdEvaluate, ComparesObservedValuesAndPassesWithoutData) {
  FakeMetrics metrics;
  metrics.values["http_req_duration||p(95)"] = 2500;
  metrics.values["http_req_duration|/query|avg"] = 300;
  ThresholdEvaluator evaluator({parse_threshold("http_req_duration", "p(95)<2000"),
                                parse_threshold("http_req_duration{name:/query}", "avg<500"),
                                parse_threshold("checks", "rate>0.9")});
  auto evaluation = evaluator.evaluate(metrics, ThresholdEvaluator::Clock::now());
  ASSERT_EQ(evaluation.results.size(), 3u);
  EXPECT_FALSE(evaluation.results[0].passed);
  EXPECT_EQ(evaluation.results[0].observed, 2500);
  EXPECT_TRUE(evaluation.results[1].passed);
  EXPECT_TRUE(evaluation.results[2].passed);
  EXPECT_FALSE(evaluation.results[2].has_data);
  EXPECT_TRUE(std::isnan(evaluation.results[2].observed));
  EXPECT_FALSE(evaluation.all_passed());
  EXPECT_FALSE(evaluation.abort) << "no threshold asked to abort";
}

TEST(ThresholdEvaluate, AbortsOnlyAfterFailingContinuouslyForTheDelay) {
  FakeMetrics metrics;
  Threshold threshold = parse_threshold_cli("http_req_failed:rate<0.01;abort_on_fail;delay=10s");
  ThresholdEvaluator evaluator({threshold});
  auto start = ThresholdEvaluator::Clock::time_point{} + 1h;

  metrics.values["http_req_failed||rate"] = 0.5;
  EXPECT_FALSE(evaluator.evaluate(metrics, start).abort);
  EXPECT_FALSE(evaluator.evaluate(metrics, start + 9s).abort);
  metrics.values["http_req_failed||rate"] = 0.0;  // recovers: the clock restarts
  EXPECT_FALSE(evaluator.evaluate(metrics, start + 10s).abort);
  metrics.values["http_req_failed||rate"] = 0.5;
  EXPECT_FALSE(evaluator.evaluate(metrics, start + 11s).abort);
  EXPECT_FALSE(evaluator.evaluate(metrics, start + 20s).abort);
  auto evaluation = evaluator.evaluate(metrics, start + 21s);
  EXPECT_TRUE(evaluation.abort);
  EXPECT_EQ(evaluation.abort_reason, "threshold 'http_req_failed: rate<0.01' failed for 10s (abort_on_fail)");
}

TEST(ThresholdEvaluate, ZeroDelayAbortsOnFirstFailure) {
  FakeMetrics metrics;
  metrics.values["http_req_failed||rate"] = 0.5;
  ThresholdEvaluator evaluator({parse_threshold_cli("http_req_failed:rate<0.01;abort_on_fail")});
  auto evaluation = evaluator.evaluate(metrics, ThresholdEvaluator::Clock::now());
  EXPECT_TRUE(evaluation.abort);
  EXPECT_EQ(evaluation.abort_reason, "threshold 'http_req_failed: rate<0.01' failed (abort_on_fail)");
}

}  // namespace
}  // namespace ragscale::scenario
