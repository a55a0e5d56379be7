#include "capacity/capacity_slo.h"

#include <charconv>
#include <stdexcept>

#include "stats/quantile_interval.h"
#include "stats/wilson_interval.h"

namespace ragscale::capacity {

namespace {

bool is_proportion(std::string_view metric) {
  return metric == "http_req_failed" || metric == "http_req_rate_limited" || metric == "checks";
}

bool is_duration(std::string_view metric) {
  return metric == "http_req_duration" || metric == "ttft" || metric == "itl" || metric == "tpot" ||
         metric == "e2e";
}

[[noreturn]] void refuse(std::string_view text, const std::string& why) {
  throw std::invalid_argument("ragscale capacity: --slo '" + std::string(text) + "': " + why);
}

}  // namespace

bool CapacitySlo::is_ceiling() const {
  return threshold.op == scenario::ThresholdOp::kLess || threshold.op == scenario::ThresholdOp::kLessEqual;
}

CapacitySlo parse_capacity_slo(std::string_view text) {
  CapacitySlo slo;
  try {
    slo.threshold = scenario::parse_threshold_cli(text);
  } catch (const std::invalid_argument& error) {
    refuse(text, std::string(error.what()) + " (e.g. --slo 'http_req_duration:p(95)<2000')");
  }
  const scenario::Threshold& t = slo.threshold;
  if (t.abort_on_fail || t.delay_abort_eval.count() != 0) {
    refuse(text, "abort_on_fail and delay belong to load thresholds; a capacity step ends on its own verdict");
  }
  if (t.op == scenario::ThresholdOp::kEqual || t.op == scenario::ThresholdOp::kNotEqual) {
    refuse(text, "== and != cannot be decided from samples; use <, <=, > or >=");
  }
  if (is_proportion(t.metric)) {
    if (t.aggregation != "rate") refuse(text, t.metric + " is judged by its rate, e.g. " + t.metric + ":rate<0.01");
    if ((slo.is_ceiling() && t.limit <= 0) || (!slo.is_ceiling() && t.limit >= 1)) {
      refuse(text, "no step can ever pass this limit; give a rate strictly between 0 and 1");
    }
    slo.kind = CapacitySlo::Kind::kProportion;
    return slo;
  }
  if (is_duration(t.metric)) {
    double percent = 0;
    if (t.aggregation == "med") {
      percent = 50;
    } else if (t.aggregation.size() > 3 && t.aggregation.rfind("p(", 0) == 0) {
      std::string_view number(t.aggregation);
      number = number.substr(2, number.size() - 3);
      std::from_chars(number.data(), number.data() + number.size(), percent);
    } else {
      refuse(text, t.aggregation + " of " + t.metric +
                       " has no confidence interval from one step; use a percentile, e.g. " + t.metric +
                       ":p(95)<2000 (milliseconds)");
    }
    slo.kind = CapacitySlo::Kind::kPercentile;
    slo.quantile = percent / 100.0;
    return slo;
  }
  refuse(text, "capacity judges error rates (http_req_failed, http_req_rate_limited, checks: rate) and duration "
               "percentiles (http_req_duration, ttft, itl, tpot, e2e: p(N) or med), not " + t.metric);
}

uint64_t samples_for_clean_pass(const CapacitySlo& slo) {
  if (slo.kind == CapacitySlo::Kind::kPercentile) {
    // A ceiling on a percentile needs its upper confidence rank; a floor its lower one.
    return samples_for_quantile_upper_bound(slo.is_ceiling() ? slo.quantile : 1.0 - slo.quantile);
  }
  // The cleanest outcome (no hit under a ceiling, e.g. no failure; only hits above a floor,
  // e.g. every check passing): the Wilson bound must clear the limit. Growing n
  // geometrically then bisecting keeps this quick for any limit.
  auto clears = [&](uint64_t n) {
    const ProportionInterval interval = wilson_interval(slo.is_ceiling() ? 0 : n, n);
    return slo.is_ceiling() ? interval.high < slo.threshold.limit : interval.low > slo.threshold.limit;
  };
  uint64_t high = 1;
  while (!clears(high) && high < (uint64_t(1) << 40)) high *= 2;
  uint64_t low = high / 2;
  while (high - low > 1) {
    const uint64_t middle = low + (high - low) / 2;
    (clears(middle) ? high : low) = middle;
  }
  return high;
}

}  // namespace ragscale::capacity
