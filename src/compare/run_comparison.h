// The comparison of two load runs (their JSON summaries): per request name and for the
// aggregate, every figure with its base and new value, its change and the confidence interval
// of that change, and a verdict (figure_verdict.h).
//
// Contract:
// - compare_runs(base, now, settings) compares the names present in both runs (in the base
//   run's order, the aggregate last) and lists the names found in only one. Figures:
//   latency p50/p95/p99 (interval: percentile_change.h on the exact histograms; the median with
//   the run-level noise measured from the per-second mean latencies, the tail percentiles with
//   the request count cut by the design effect of those means), throughput in requests/s (interval:
//   Hodges-Lehmann on the per-second request counts, shift_interval.h, relative to the base
//   run's median second), error rate (interval: proportion_difference.h, in percentage points);
//   and when both runs streamed answers for that name, TTFT, ITL and TPOT p50/p95/p99 (as the
//   latencies; no more independent than the streams) and, for the aggregate, output tokens/s
//   (as the throughput, on the per-second token counts).
// - Rates (throughput, tokens/s) are the mean per-second rates over the compared seconds
//   (interval_series.h leaves out the partial first and last), so a rate, its change and the
//   interval of the change come from the same seconds.
// - Changes are in percent of the base value; the error rate's in percentage points, where
//   the limit is max(limit% of the base rate, 0.1 point): a rate that goes from 0 to 0.02% in
//   one burst is not a regression worth failing a build, one that goes from 0 to 1% is.
// - incompatibility(base, now): why two summaries should not be compared (different targets
//   or different scenario files), or nothing. The caller refuses unless forced.
// - Deterministic: the same two summaries always give the same comparison.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "compare/figure_verdict.h"
#include "compare/shift_interval.h"
#include "load/output/json_summary.h"

namespace ragscale::compare {

enum class Unit { kMicroseconds, kPerSecond, kRatio };

struct Figure {
  std::string label;  // "p95", "throughput", "error rate", "TTFT p50", "output tokens/s"
  Unit unit = Unit::kMicroseconds;
  double base = 0;
  double now = 0;
  std::optional<double> delta_pct;  // now / base - 1, in percent; none when base is 0
  std::optional<Interval> change;   // confidence interval of the change; none: too few data
  bool change_in_points = false;    // error rate: change and limit in percentage points
  double limit = 0;                 // the limit the change was judged against (same unit)
  Direction direction = Direction::kLowerIsBetter;
  Verdict verdict = Verdict::kSame;
};

struct NameComparison {
  std::string method;
  std::string name;  // kAggregateName for the aggregate
  bool aggregate = false;
  std::vector<Figure> figures;
};

struct RunLabel {
  std::string file;
  std::string host;
  std::string scenario;  // the scenario file, empty for a quick run
  uint64_t requests = 0;
  double duration_s = 0;
};

struct CompareSettings {
  double max_regression_pct = 10;
  double confidence = 0.95;
};

struct Comparison {
  RunLabel base;
  RunLabel now;
  CompareSettings settings;
  std::vector<NameComparison> names;
  std::vector<std::string> only_in_base;  // "GET /x"
  std::vector<std::string> only_in_new;

  // Figures judged worse, in order.
  std::vector<std::pair<const NameComparison*, const Figure*>> regressions() const;
};

Comparison compare_runs(const output::RunSummary& base, const std::string& base_file,
                        const output::RunSummary& now, const std::string& now_file, const CompareSettings& settings);

std::optional<std::string> incompatibility(const output::RunSummary& base, const output::RunSummary& now);

}  // namespace ragscale::compare
