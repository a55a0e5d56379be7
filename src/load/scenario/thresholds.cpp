#include "load/scenario/thresholds.h"

#include <cmath>
#include <cstdlib>

#include "common/duration.h"

namespace ragscale::scenario {
namespace {

struct MetricInfo {
  std::string_view name;
  std::string_view aggregations;  // for messages
  bool percentiles;
  std::vector<std::string_view> allowed;
};

const std::vector<MetricInfo>& metric_table() {
  static const std::vector<MetricInfo> table = {
      {"http_req_duration", "avg, min, max, med, p(N)", true, {"avg", "min", "max", "med"}},
      {"http_req_failed", "rate", false, {"rate"}},
      {"http_reqs", "count, rate", false, {"count", "rate"}},
      {"http_req_rate_limited", "rate, count", false, {"rate", "count"}},
      {"iterations", "count, rate", false, {"count", "rate"}},
      {"dropped_iterations", "count, rate", false, {"count", "rate"}},
      {"checks", "rate", false, {"rate"}},
      // Streamed answers (milliseconds) and SLOs (see load/llm/llm_summary.h).
      {"ttft", "avg, min, max, med, p(N)", true, {"avg", "min", "max", "med"}},
      {"itl", "avg, min, max, med, p(N)", true, {"avg", "min", "max", "med"}},
      {"tpot", "avg, min, max, med, p(N)", true, {"avg", "min", "max", "med"}},
      {"e2e", "avg, min, max, med, p(N)", true, {"avg", "min", "max", "med"}},
      {"output_tokens", "count, rate (per s)", false, {"count", "rate"}},
      {"goodput", "rate (good requests per s), count", false, {"rate", "count"}},
      {"slo_attainment", "rate (share of requests meeting every --slo)", false, {"rate"}},
  };
  return table;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

[[noreturn]] void fail(std::string message) { throw ThresholdError(message); }

const MetricInfo& find_metric(std::string_view metric) {
  for (const auto& info : metric_table()) {
    if (info.name == metric) return info;
  }
  std::string names;
  for (const auto& info : metric_table()) names += (names.empty() ? "" : ", ") + std::string(info.name);
  fail("unknown threshold metric '" + std::string(metric) + "'; metrics: " + names);
}

struct MetricKey {
  std::string metric, name_filter;
};

MetricKey parse_metric_key(std::string_view key) {
  key = trim(key);
  MetricKey result;
  size_t brace = key.find('{');
  result.metric = std::string(trim(key.substr(0, brace)));
  if (brace != std::string_view::npos) {
    if (key.back() != '}') fail("'" + std::string(key) + "': the tag filter must end with '}', e.g. http_req_duration{name:/query}");
    std::string_view tag = key.substr(brace + 1, key.size() - brace - 2);
    size_t colon = tag.find(':');
    std::string_view tag_name = trim(tag.substr(0, colon));
    if (colon == std::string_view::npos || tag_name != "name") {
      fail(std::string("'").append(key) + "': only the name tag can filter a threshold, e.g. " + result.metric + "{name:/query}");
    }
    std::string_view value = trim(tag.substr(colon + 1));
    if (value.size() >= 2 && (value.front() == '"' || value.front() == '\'') && value.back() == value.front()) {
      value = value.substr(1, value.size() - 2);
    }
    if (value.empty()) fail("'" + std::string(key) + "': the name filter is empty; e.g. {name:/query}");
    result.name_filter = std::string(value);
  }
  find_metric(result.metric);
  return result;
}

std::string canonical_aggregation(const MetricInfo& info, std::string_view aggregation, std::string_view condition) {
  std::string how = "; " + std::string(info.name) + " supports " + std::string(info.aggregations);
  if (info.percentiles && aggregation.substr(0, 2) == "p(") {
    if (aggregation.back() != ')') fail("bad percentile '" + std::string(aggregation) + "' in '" + std::string(condition) + "'; write it like p(95) or p(99.9)");
    std::string number(trim(aggregation.substr(2, aggregation.size() - 3)));
    char* end = nullptr;
    double percentile = std::strtod(number.c_str(), &end);
    if (number.empty() || end != number.c_str() + number.size() || !(percentile > 0 && percentile <= 100)) {
      fail("bad percentile '" + std::string(aggregation) + "' in '" + std::string(condition) + "'; use p(N) with 0 < N <= 100");
    }
    return "p(" + number + ")";
  }
  for (auto allowed : info.allowed) {
    if (aggregation == allowed) return std::string(aggregation);
  }
  fail(std::string("'").append(aggregation) + "' is not an aggregation of " + std::string(info.name) + " in '" +
       std::string(condition) + "'" + how);
}

void parse_condition(Threshold& threshold, std::string_view condition) {
  condition = trim(condition);
  size_t op_start = condition.find_first_of("<>=!");
  if (op_start == std::string_view::npos || op_start == 0) {
    fail("bad threshold '" + std::string(condition) + "' for " + threshold.metric +
         ": expected AGGREGATION OPERATOR NUMBER, e.g. p(95)<500 or rate<0.01");
  }
  std::string_view aggregation = trim(condition.substr(0, op_start));
  std::string_view rest = condition.substr(op_start);
  struct OpText { std::string_view text; ThresholdOp op; };
  static constexpr OpText kOps[] = {{"===", ThresholdOp::kEqual}, {"<=", ThresholdOp::kLessEqual},
                                    {">=", ThresholdOp::kGreaterEqual}, {"==", ThresholdOp::kEqual},
                                    {"!=", ThresholdOp::kNotEqual}, {"<", ThresholdOp::kLess},
                                    {">", ThresholdOp::kGreater}};
  size_t op_length = 0;
  for (const auto& candidate : kOps) {
    if (rest.substr(0, candidate.text.size()) == candidate.text) {
      threshold.op = candidate.op;
      op_length = candidate.text.size();
      break;
    }
  }
  if (op_length == 0) fail("bad operator in '" + std::string(condition) + "'; use one of < <= > >= == !=");
  std::string number(trim(rest.substr(op_length)));
  char* end = nullptr;
  threshold.limit = std::strtod(number.c_str(), &end);
  if (number.empty() || end != number.c_str() + number.size() || !std::isfinite(threshold.limit)) {
    fail("bad number '" + number + "' in '" + std::string(condition) + "'; e.g. p(95)<500");
  }
  threshold.aggregation = canonical_aggregation(find_metric(threshold.metric), aggregation, condition);
}

std::string describe(const Threshold& threshold, std::string_view condition) {
  std::string text = threshold.metric;
  if (!threshold.name_filter.empty()) text += "{name:" + threshold.name_filter + "}";
  text += ": ";
  text += trim(condition);
  return text;
}

}  // namespace

bool Threshold::holds_for(double observed) const {
  switch (op) {
    case ThresholdOp::kLess: return observed < limit;
    case ThresholdOp::kLessEqual: return observed <= limit;
    case ThresholdOp::kGreater: return observed > limit;
    case ThresholdOp::kGreaterEqual: return observed >= limit;
    case ThresholdOp::kEqual: return observed == limit;
    case ThresholdOp::kNotEqual: return observed != limit;
  }
  return false;
}

Threshold parse_threshold(std::string_view metric_key, std::string_view condition) {
  MetricKey key = parse_metric_key(metric_key);
  Threshold threshold;
  threshold.metric = key.metric;
  threshold.name_filter = key.name_filter;
  parse_condition(threshold, condition);
  threshold.expression = describe(threshold, condition);
  return threshold;
}

Threshold parse_threshold_cli(std::string_view text) {
  std::string_view original = text;
  size_t close = text.find('}');
  size_t colon = text.find(':', text.find('{') == std::string_view::npos || close == std::string_view::npos ? 0 : close);
  if (colon == std::string_view::npos) {
    fail("bad --threshold '" + std::string(original) +
         "': expected METRIC:CONDITION, e.g. 'http_req_duration:p(95)<500' or "
         "'http_req_failed:rate<0.01;abort_on_fail;delay=10s'");
  }
  std::string_view key = text.substr(0, colon);
  std::string_view rest = text.substr(colon + 1);
  size_t semicolon = rest.find(';');
  std::string_view condition = rest.substr(0, semicolon);
  Threshold threshold = parse_threshold(key, condition);
  while (semicolon != std::string_view::npos) {
    rest = rest.substr(semicolon + 1);
    semicolon = rest.find(';');
    std::string_view option = trim(rest.substr(0, semicolon));
    if (option == "abort_on_fail" || option == "abort_on_fail=true") {
      threshold.abort_on_fail = true;
    } else if (option == "abort_on_fail=false") {
      threshold.abort_on_fail = false;
    } else if (option.substr(0, 6) == "delay=" || option.substr(0, 17) == "delay_abort_eval=") {
      std::string error;
      auto delay = try_parse_duration(option.substr(option.find('=') + 1), &error);
      if (!delay) fail("bad --threshold '" + std::string(original) + "': " + error);
      threshold.delay_abort_eval = *delay;
    } else {
      fail("bad --threshold option '" + std::string(option) + "' in '" + std::string(original) +
           "'; options: abort_on_fail, delay=DURATION (e.g. ;abort_on_fail;delay=10s)");
    }
  }
  return threshold;
}

bool ThresholdEvaluation::all_passed() const {
  for (const auto& result : results) {
    if (!result.passed) return false;
  }
  return true;
}

ThresholdEvaluator::ThresholdEvaluator(std::vector<Threshold> thresholds)
    : thresholds_(std::move(thresholds)), failing_since_(thresholds_.size()) {}

ThresholdEvaluation ThresholdEvaluator::evaluate(const MetricSource& source, Clock::time_point now) {
  ThresholdEvaluation evaluation;
  evaluation.results.reserve(thresholds_.size());
  for (size_t i = 0; i < thresholds_.size(); ++i) {
    const Threshold& threshold = thresholds_[i];
    ThresholdResult result;
    result.expression = threshold.expression;
    std::optional<double> observed = source.value(threshold.metric, threshold.name_filter, threshold.aggregation);
    result.has_data = observed.has_value();
    result.observed = observed.value_or(std::nan(""));
    result.passed = !observed || threshold.holds_for(*observed);
    if (result.passed) {
      failing_since_[i].reset();
    } else if (threshold.abort_on_fail) {
      if (!failing_since_[i]) failing_since_[i] = now;
      auto failing_for = std::chrono::duration_cast<std::chrono::microseconds>(now - *failing_since_[i]);
      if (failing_for >= threshold.delay_abort_eval && !evaluation.abort) {
        evaluation.abort = true;
        evaluation.abort_reason = "threshold '" + threshold.expression + "' failed";
        if (failing_for.count() > 0) evaluation.abort_reason += " for " + format_duration(failing_for);
        evaluation.abort_reason += " (abort_on_fail)";
      }
    }
    evaluation.results.push_back(std::move(result));
  }
  return evaluation;
}

}  // namespace ragscale::scenario
