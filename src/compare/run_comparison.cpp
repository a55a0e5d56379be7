#include "compare/run_comparison.h"

#include <algorithm>
#include <cmath>

#include "compare/interval_series.h"
#include "compare/percentile_change.h"
#include "compare/proportion_difference.h"

namespace ragscale::compare {
namespace {

constexpr double kComparedPercentiles[] = {50, 95, 99};
constexpr double kErrorRateFloorPoints = 0.1;

// One run's view of one name: its statistics and the per-interval series behind the intervals.
struct Side {
  const RunStats* stats = nullptr;
  const EndpointStats* endpoint = nullptr;  // the aggregate when comparing it
  std::vector<IntervalPoint> series;
  double design_effect = 1;  // of the mean latency, from the per-second means
  double scale_sd = 0;       // of the run's latency level, likewise

  Side(const RunStats& run, const EndpointStats& stats_of, bool aggregate)
      : stats(&run), endpoint(&stats_of), series(interval_series(run, aggregate ? nullptr : &stats_of)),
        design_effect(design_effect_of_means(series, histogram_variance(stats_of.latency()))),
        scale_sd(shared_scale_sd(series, stats_of.latency())) {}

  // The noise of a percentile of `histogram`, which holds at most `units` independent values
  // (token gaps of one stream are not independent of each other). The median is a location: a
  // busier second moves it as it moves the mean, so the run's level noise describes it. A tail
  // percentile is made of the slowest few percent of requests, which one hiccup of a second or
  // two can supply all by itself: there the independent units are fewer by the design effect.
  // Streamed figures share the request latency's noise (a hiccup slows both).
  RunNoise noise(const LatencyHistogram& histogram, uint64_t units, double percent) const {
    const double independent = double(std::min(histogram.count(), units));
    if (percent <= 50) return {independent, scale_sd};
    return {std::max(1.0, independent / design_effect), 0};
  }
};

std::optional<double> delta_pct(double base, double now) {
  if (base == 0) return std::nullopt;
  return (now / base - 1) * 100;
}

double median(std::vector<double> values) {
  if (values.empty()) return 0;
  const size_t middle = values.size() / 2;
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(middle), values.end());
  double upper = values[middle];
  if (values.size() % 2 == 1) return upper;
  return (*std::max_element(values.begin(), values.begin() + std::ptrdiff_t(middle)) + upper) / 2;
}

Figure relative_figure(std::string label, Unit unit, double base, double now, std::optional<Interval> change,
                       Direction direction, const CompareSettings& settings) {
  Figure figure;
  figure.label = std::move(label);
  figure.unit = unit;
  figure.base = base;
  figure.now = now;
  figure.delta_pct = delta_pct(base, now);
  figure.change = change;
  figure.limit = settings.max_regression_pct;
  figure.direction = direction;
  figure.verdict = judge_change(change, figure.limit, direction);
  return figure;
}

void add_percentiles(std::vector<Figure>& figures, const std::string& prefix, const Side& base_side,
                     const LatencyHistogram& base, uint64_t base_units, const Side& now_side,
                     const LatencyHistogram& now, uint64_t now_units, const CompareSettings& settings) {
  for (double percent : kComparedPercentiles) {
    const std::string label = prefix + "p" + std::to_string(int(percent));
    figures.push_back(relative_figure(
        label, Unit::kMicroseconds, double(base.percentile(percent)), double(now.percentile(percent)),
        percentile_change(base, base_side.noise(base, base_units, percent), now, now_side.noise(now, now_units, percent),
                          percent, settings.confidence),
        Direction::kLowerIsBetter, settings));
  }
}

// The Hodges-Lehmann interval of a per-second rate, relative to the base run's median second.
std::optional<Interval> rate_change(const std::vector<double>& base, const std::vector<double>& now,
                                    double confidence) {
  const double reference = median(base);
  if (reference <= 0) return std::nullopt;
  const ShiftEstimate shift = estimate_shift(base, now, confidence);
  if (!shift.interval) return std::nullopt;
  return Interval{shift.interval->low / reference * 100, shift.interval->high / reference * 100};
}

double mean(const std::vector<double>& values) {
  double sum = 0;
  for (double value : values) sum += value;
  return values.empty() ? 0 : sum / double(values.size());
}

// A rate compared over the compared seconds (interval_series.h), so that its value, its change
// and the interval of the change all come from the same seconds.
Figure rate_figure(std::string label, const std::vector<double>& base, const std::vector<double>& now,
                   const CompareSettings& settings) {
  return relative_figure(std::move(label), Unit::kPerSecond, mean(base), mean(now),
                         rate_change(base, now, settings.confidence), Direction::kHigherIsBetter, settings);
}

Figure error_rate_figure(const Side& base, const Side& now, const CompareSettings& settings) {
  Figure figure;
  figure.label = "error rate";
  figure.unit = Unit::kRatio;
  figure.base = base.endpoint->failure_ratio();
  figure.now = now.endpoint->failure_ratio();
  figure.delta_pct = delta_pct(figure.base, figure.now);
  figure.change_in_points = true;
  figure.limit = std::max(settings.max_regression_pct / 100 * figure.base * 100, kErrorRateFloorPoints);
  if (auto difference = proportion_difference(base.endpoint->failures(), base.endpoint->requests(),
                                              design_effect_of_rate(base.series), now.endpoint->failures(),
                                              now.endpoint->requests(), design_effect_of_rate(now.series))) {
    figure.change = Interval{difference->low * 100, difference->high * 100};
  }
  figure.verdict = judge_change(figure.change, figure.limit, Direction::kLowerIsBetter);
  return figure;
}

NameComparison compare_name(const Side& base, const Side& now, bool aggregate, const CompareSettings& settings) {
  NameComparison result;
  result.method = base.endpoint->method();
  result.name = aggregate ? std::string(kAggregateName) : base.endpoint->name();
  result.aggregate = aggregate;
  std::vector<Figure>& figures = result.figures;

  const LatencyHistogram& base_latency = base.endpoint->latency();
  const LatencyHistogram& now_latency = now.endpoint->latency();
  add_percentiles(figures, "", base, base_latency, base_latency.count(), now, now_latency, now_latency.count(),
                  settings);
  figures.push_back(rate_figure("throughput", requests_per_second(base.series), requests_per_second(now.series),
                                settings));
  figures.push_back(error_rate_figure(base, now, settings));

  const LlmFigures& base_llm = base.endpoint->llm();
  const LlmFigures& now_llm = now.endpoint->llm();
  if (base_llm.streams == 0 || now_llm.streams == 0) return result;
  for (auto [prefix, histogram] : {std::pair{"TTFT ", &LlmFigures::ttft}, {"ITL ", &LlmFigures::itl},
                                   {"TPOT ", &LlmFigures::tpot}}) {
    const LatencyHistogram& base_values = base_llm.*histogram;
    const LatencyHistogram& now_values = now_llm.*histogram;
    if (base_values.empty() || now_values.empty()) continue;
    add_percentiles(figures, prefix, base, base_values, base_llm.streams, now, now_values, now_llm.streams, settings);
  }
  if (aggregate && base_llm.output_tokens > 0 && now_llm.output_tokens > 0) {
    figures.push_back(rate_figure("output tokens/s", output_tokens_per_second(base.series),
                                  output_tokens_per_second(now.series), settings));
  }
  return result;
}

std::string setting(const output::RunInfo& info, const std::string& key) {
  for (const auto& [name, value] : info.settings) {
    if (name == key) return value;
  }
  return "";
}

RunLabel label_of(const output::RunSummary& summary, const std::string& file) {
  return {file, summary.info.host, setting(summary.info, "scenario"), summary.stats.aggregate().requests(),
          summary.stats.duration_seconds()};
}

std::string display_name(const EndpointStats& endpoint) { return endpoint.method() + " " + endpoint.name(); }

}  // namespace

std::vector<std::pair<const NameComparison*, const Figure*>> Comparison::regressions() const {
  std::vector<std::pair<const NameComparison*, const Figure*>> worse;
  for (const NameComparison& name : names) {
    for (const Figure& figure : name.figures) {
      if (figure.verdict == Verdict::kWorse) worse.emplace_back(&name, &figure);
    }
  }
  return worse;
}

Comparison compare_runs(const output::RunSummary& base, const std::string& base_file,
                        const output::RunSummary& now, const std::string& now_file, const CompareSettings& settings) {
  Comparison comparison;
  comparison.base = label_of(base, base_file);
  comparison.now = label_of(now, now_file);
  comparison.settings = settings;
  for (const EndpointStats& endpoint : base.stats.endpoints()) {
    const EndpointStats* match = now.stats.find(endpoint.method(), endpoint.name());
    if (match == nullptr) {
      comparison.only_in_base.push_back(display_name(endpoint));
      continue;
    }
    comparison.names.push_back(
        compare_name(Side(base.stats, endpoint, false), Side(now.stats, *match, false), false, settings));
  }
  for (const EndpointStats& endpoint : now.stats.endpoints()) {
    if (base.stats.find(endpoint.method(), endpoint.name()) == nullptr) {
      comparison.only_in_new.push_back(display_name(endpoint));
    }
  }
  comparison.names.push_back(compare_name(Side(base.stats, base.stats.aggregate(), true),
                                          Side(now.stats, now.stats.aggregate(), true), true, settings));
  return comparison;
}

std::optional<std::string> incompatibility(const output::RunSummary& base, const output::RunSummary& now) {
  if (base.info.host != now.info.host) {
    return "the runs loaded different targets ('" + base.info.host + "' and '" + now.info.host + "')";
  }
  const std::string base_scenario = setting(base.info, "scenario");
  const std::string now_scenario = setting(now.info, "scenario");
  if (base_scenario != now_scenario) {
    auto shown = [](const std::string& s) { return s.empty() ? std::string("a quick run without scenario") : "'" + s + "'"; };
    return "the runs used different scenarios (" + shown(base_scenario) + " and " + shown(now_scenario) + ")";
  }
  return std::nullopt;
}

}  // namespace ragscale::compare
