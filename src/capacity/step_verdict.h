// StepVerdict: whether one capacity step met its SLOs, decided statistically from the step's
// samples, never from a point estimate alone.
//
//   pass       every SLO's 95% interval lies on the passing side of its limit
//   fail       some SLO's 95% interval lies entirely on the failing side
//   undecided  neither: too few samples, or the truth is too close to the limit
//
// A proportion (an error rate) uses the Wilson interval (stats/wilson_interval.h); a
// percentile the distribution-free interval from order statistics
// (stats/quantile_interval.h), read off the step's latency histogram (< 0.1% bucket error).
// `estimate_meets` says whether the point estimates alone would pass: the search lets an
// undecided step that looks good keep the growth going (see capacity_search.h).
//
// The evidence comes through SloEvidence, so the same judgement runs on a real run's
// RunStats (RunStatsEvidence) and on a simulated system in the unit tests.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "capacity/capacity_slo.h"
#include "load/run_metrics.h"
#include "stats/latency_histogram.h"
#include "stats/run_stats.h"

namespace ragscale::capacity {

enum class Verdict { kPass, kFail, kUndecided };
std::string_view verdict_name(Verdict verdict);  // "pass", "fail", "undecided"

class SloEvidence {
 public:
  virtual ~SloEvidence() = default;
  virtual std::optional<load::RunMetrics::Proportion> proportion(std::string_view metric,
                                                                 std::string_view name_filter) const = 0;
  virtual std::optional<LatencyHistogram> distribution(std::string_view metric,
                                                       std::string_view name_filter) const = 0;
};

// A run's statistics as evidence (through load::RunMetrics, the thresholds' view of them).
class RunStatsEvidence final : public SloEvidence {
 public:
  explicit RunStatsEvidence(const RunStats& stats) : metrics_(stats) {}
  std::optional<load::RunMetrics::Proportion> proportion(std::string_view metric,
                                                         std::string_view name_filter) const override;
  std::optional<LatencyHistogram> distribution(std::string_view metric, std::string_view name_filter) const override;

 private:
  load::RunMetrics metrics_;
};

struct SloJudgement {
  std::string expression;
  Verdict verdict = Verdict::kUndecided;
  bool estimate_meets = false;
  bool has_data = false;
  // In the threshold's units (a rate, or milliseconds); the interval is the 95% one, absent
  // bounds (too few samples) are NaN.
  double observed = 0;
  double low = 0;
  double high = 0;
  uint64_t samples = 0;
  std::string detail;  // "0.42% (95% CI 0.30%..0.58%) of 10200 requests, limit < 1%"
};

// `sample_scale` > 1 asks "and with that many times the samples, at the same estimate?"
// (the step monitor's futility check); the figures reported stay those observed.
SloJudgement judge_slo(const CapacitySlo& slo, const SloEvidence& evidence, double sample_scale = 1.0);

struct StepVerdict {
  Verdict verdict = Verdict::kUndecided;
  bool estimate_meets = false;
  std::string why;       // the failing (or undecided) objective's detail, or the saturation
  std::string bound_by;  // the objective that failed or stayed undecided ("saturation" when saturated)
  std::vector<SloJudgement> slos;
};

// Fail when any SLO fails, else undecided when any is undecided, else pass.
StepVerdict judge_step(const std::vector<CapacitySlo>& slos, const SloEvidence& evidence, double sample_scale = 1.0);

}  // namespace ragscale::capacity
