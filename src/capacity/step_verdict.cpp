#include "capacity/step_verdict.h"

#include <cmath>
#include <cstdio>
#include <limits>

#include "load/output/number_format.h"
#include "stats/quantile_interval.h"
#include "stats/wilson_interval.h"

namespace ragscale::capacity {

namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

using scenario::ThresholdOp;

std::string percent(double rate) {
  char buffer[32];
  // Interval ends computed as 1e-17 for a proportion of 0 read as 0.
  std::snprintf(buffer, sizeof buffer, "%.3g%%", std::abs(rate) < 1e-12 ? 0.0 : rate * 100.0);
  return buffer;
}

std::string milliseconds(double ms) { return output::format_ms(ms * 1000.0); }

// Which side of the limit the interval [low, high] lies on. A missing bound (NaN) decides
// nothing on its side.
Verdict side_of(const scenario::Threshold& t, double low, double high) {
  const bool has_low = !std::isnan(low);
  const bool has_high = !std::isnan(high);
  switch (t.op) {
    case ThresholdOp::kLess:
      if (has_high && high < t.limit) return Verdict::kPass;
      if (has_low && low >= t.limit) return Verdict::kFail;
      break;
    case ThresholdOp::kLessEqual:
      if (has_high && high <= t.limit) return Verdict::kPass;
      if (has_low && low > t.limit) return Verdict::kFail;
      break;
    case ThresholdOp::kGreater:
      if (has_low && low > t.limit) return Verdict::kPass;
      if (has_high && high <= t.limit) return Verdict::kFail;
      break;
    case ThresholdOp::kGreaterEqual:
      if (has_low && low >= t.limit) return Verdict::kPass;
      if (has_high && high < t.limit) return Verdict::kFail;
      break;
    default:
      break;
  }
  return Verdict::kUndecided;
}

uint64_t scaled(uint64_t count, double scale) {
  return static_cast<uint64_t>(std::llround(static_cast<double>(count) * scale));
}

void judge_proportion(const CapacitySlo& slo, const SloEvidence& evidence, double scale, SloJudgement& out) {
  const scenario::Threshold& t = slo.threshold;
  const auto counts = evidence.proportion(t.metric, t.name_filter);
  if (!counts || counts->trials == 0) {
    out.detail = "no requests to judge";
    return;
  }
  out.has_data = true;
  out.samples = counts->trials;
  out.observed = static_cast<double>(counts->hits) / static_cast<double>(counts->trials);
  const ProportionInterval interval = wilson_interval(scaled(counts->hits, scale), scaled(counts->trials, scale));
  out.low = interval.low;
  out.high = interval.high;
  out.verdict = side_of(t, out.low, out.high);
  out.estimate_meets = t.holds_for(out.observed);
  out.detail = percent(out.observed) + " (95% CI " + percent(out.low) + ".." + percent(out.high) + ") of " +
               std::to_string(counts->trials) + " requests";
}

void judge_percentile(const CapacitySlo& slo, const SloEvidence& evidence, double scale, SloJudgement& out) {
  const scenario::Threshold& t = slo.threshold;
  const auto histogram = evidence.distribution(t.metric, t.name_filter);
  if (!histogram || histogram->empty()) {
    out.detail = "no samples to judge";
    return;
  }
  out.has_data = true;
  const uint64_t n = histogram->count();
  out.samples = n;
  const uint64_t scaled_n = std::max<uint64_t>(1, scaled(n, scale));
  // The rank of X(r) among scaled_n samples, read at the same quantile of the histogram.
  auto value_ms = [&](uint64_t rank) {
    return static_cast<double>(histogram->percentile(100.0 * static_cast<double>(rank) / static_cast<double>(scaled_n))) /
           1000.0;
  };
  out.observed = static_cast<double>(histogram->percentile(slo.quantile * 100.0)) / 1000.0;
  const QuantileRanks ranks = quantile_confidence_ranks(scaled_n, slo.quantile);
  out.low = ranks.lower ? value_ms(*ranks.lower) : kNaN;
  out.high = ranks.upper ? value_ms(*ranks.upper) : kNaN;
  out.verdict = side_of(t, out.low, out.high);
  out.estimate_meets = t.holds_for(out.observed);
  out.detail = milliseconds(out.observed) + " ms (95% CI " + (ranks.lower ? milliseconds(out.low) : "?") + ".." +
               (ranks.upper ? milliseconds(out.high) : "?") + " ms) of " + std::to_string(n) + " samples";
  const bool needed_bound_missing = slo.is_ceiling() ? !ranks.upper : !ranks.lower;
  if (needed_bound_missing && out.verdict == Verdict::kUndecided) {
    out.detail += ", too few for a 95% bound (needs " + std::to_string(samples_for_clean_pass(slo)) + ")";
  }
}

}  // namespace

std::string_view verdict_name(Verdict verdict) {
  switch (verdict) {
    case Verdict::kPass: return "pass";
    case Verdict::kFail: return "fail";
    case Verdict::kUndecided: return "undecided";
  }
  return "undecided";
}

std::optional<load::RunMetrics::Proportion> RunStatsEvidence::proportion(std::string_view metric,
                                                                         std::string_view name_filter) const {
  return metrics_.proportion(metric, name_filter);
}

std::optional<LatencyHistogram> RunStatsEvidence::distribution(std::string_view metric,
                                                               std::string_view name_filter) const {
  return metrics_.distribution(metric, name_filter);
}

SloJudgement judge_slo(const CapacitySlo& slo, const SloEvidence& evidence, double sample_scale) {
  SloJudgement judgement;
  judgement.expression = slo.threshold.expression;
  judgement.low = kNaN;
  judgement.high = kNaN;
  if (slo.kind == CapacitySlo::Kind::kProportion) judge_proportion(slo, evidence, sample_scale, judgement);
  else judge_percentile(slo, evidence, sample_scale, judgement);
  judgement.detail = judgement.expression + ": " + judgement.detail;
  return judgement;
}

StepVerdict judge_step(const std::vector<CapacitySlo>& slos, const SloEvidence& evidence, double sample_scale) {
  StepVerdict step;
  step.verdict = Verdict::kPass;
  step.estimate_meets = true;
  const SloJudgement* undecided = nullptr;
  const SloJudgement* failed = nullptr;
  for (const CapacitySlo& slo : slos) step.slos.push_back(judge_slo(slo, evidence, sample_scale));
  for (const SloJudgement& judgement : step.slos) {
    step.estimate_meets = step.estimate_meets && judgement.estimate_meets;
    if (judgement.verdict == Verdict::kFail && failed == nullptr) failed = &judgement;
    if (judgement.verdict == Verdict::kUndecided && undecided == nullptr) undecided = &judgement;
  }
  if (const SloJudgement* deciding = failed ? failed : undecided) {
    step.verdict = deciding->verdict;
    step.why = deciding->detail;
    step.bound_by = deciding->expression;
  } else if (!step.slos.empty()) {
    step.why = step.slos.front().detail;
  }
  return step;
}

}  // namespace ragscale::capacity
