#include "report/target_charts.h"

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/writer.h>

#include <algorithm>
#include <cmath>
#include <iterator>
#include <map>
#include <set>

#include "report/known_target_charts.h"
#include "report/metric_unit.h"

namespace ragscale::report {
namespace {

constexpr size_t kPercentileLines = 4;
constexpr size_t kTopLabelSets = 3;  // beside the total

using Points = std::map<double, double>;  // t -> value, in the chart's unit

struct Line {
  std::string label;
  Points points;
  double mean() const {
    double sum = 0;
    for (const auto& [t, v] : points) sum += v;
    return points.empty() ? 0 : sum / double(points.size());
  }
  // Standard deviation ÷ |mean|: how much the line moved for its size; 0 when flat.
  double variation() const {
    const double m = mean();
    double squares = 0;
    for (const auto& [t, v] : points) squares += (v - m) * (v - m);
    const double deviation = points.empty() ? 0 : std::sqrt(squares / double(points.size()));
    if (deviation == 0) return 0;
    return m == 0 ? deviation : deviation / std::abs(m);
  }
};

struct Candidate {
  size_t target = 0;
  size_t rank = 0;  // known charts by their table index, the others after them
  double variation = 0;
  std::string metric;
  std::string title;
  std::string unit;
  std::vector<Line> lines;
};

// One label set of a metric of a target; Metrics groups a target's series by metric.
struct LabelSet {
  const std::string* key;
  std::string labels;  // e.g. route="/query",status="200"; "" for none
  const std::vector<metrics::SeriesPoint>* points;
};
using Metrics = std::map<std::string, std::vector<LabelSet>, std::less<>>;

Metrics group_by_metric(const metrics::ScrapedTarget& target) {
  Metrics grouped;
  for (const auto& [key, points] : target.series) {
    const size_t brace = key.find('{');
    if (brace == std::string::npos) {
      grouped[key].push_back({&key, "", &points});
    } else {
      grouped[key.substr(0, brace)].push_back({&key, key.substr(brace + 1, key.size() - brace - 2), &points});
    }
  }
  return grouped;
}

// One line of `sets`, summed per scrape time, scaled to the chart's unit.
Line line_of(std::string label, const std::vector<LabelSet>& sets, double scale) {
  Line line{std::move(label), {}};
  for (const LabelSet& set : sets) {
    for (const auto& point : *set.points) line.points[point.t] += point.value * scale;
  }
  return line;
}

// The lines of one metric (see the header): percentiles per label set, others a total and
// the largest label sets.
std::vector<Line> lines_of(const std::string& metric, const std::vector<LabelSet>& sets) {
  const double scale = unit_of(metric).scale;
  std::vector<Line> each;
  for (const auto& set : sets) each.push_back(line_of(set.labels.empty() ? metric : set.labels, {set}, scale));
  std::stable_sort(each.begin(), each.end(), [](const Line& a, const Line& b) { return a.mean() > b.mean(); });
  if (!sets.empty() && is_percentile(*sets[0].key)) {
    each.resize(std::min(each.size(), kPercentileLines));
    return each;
  }
  if (each.size() == 1) return each;
  std::vector<Line> lines{line_of("total", sets, scale)};
  for (auto& line : each) {
    if (lines.size() > kTopLabelSets || line.mean() == 0) break;
    lines.push_back(std::move(line));
  }
  return lines;
}

std::string joined(const std::vector<std::string_view>& names) {
  std::string text;
  for (auto name : names) text += (text.empty() ? "" : ", ") + std::string(name);
  return text;
}

// Every candidate chart of one target; `flat` counts the metrics that never changed.
std::vector<Candidate> candidates_of(const metrics::ScrapedTarget& target, size_t index, size_t& flat) {
  const Metrics grouped = group_by_metric(target);
  std::set<std::string, std::less<>> used;
  std::vector<Candidate> out;
  const auto& known = known_target_charts();
  for (size_t k = 0; k < known.size(); ++k) {
    Candidate chart{index, k, 0, joined(known[k].metrics), std::string(known[k].title), "", {}};
    chart.unit = unit_of(known[k].metrics.front()).unit;
    for (auto metric : known[k].metrics) {
      const auto found = grouped.find(metric);
      if (found == grouped.end()) continue;
      used.insert(found->first);
      if (known[k].metrics.size() == 1) {
        chart.lines = lines_of(found->first, found->second);
        continue;
      }
      chart.lines.push_back(line_of(found->first, found->second, unit_of(metric).scale));
    }
    if (!chart.lines.empty()) out.push_back(std::move(chart));
  }
  for (const auto& [metric, sets] : grouped) {
    if (used.contains(metric)) continue;
    // A histogram's p50 and p99 ride with its p95, when it has one.
    const size_t colon = metric.rfind(':');
    if (colon != std::string::npos && (metric.substr(colon) == ":p50" || metric.substr(colon) == ":p99") &&
        grouped.contains(metric.substr(0, colon) + ":p95")) {
      continue;
    }
    Candidate chart{index, known.size(), 0, metric, metric, std::string(unit_of(metric).unit), lines_of(metric, sets)};
    for (const auto& line : chart.lines) chart.variation = std::max(chart.variation, line.variation());
    if (chart.variation > 0) out.push_back(std::move(chart));
    else ++flat;
  }
  return out;
}

TargetChart aligned(const Candidate& candidate, const std::string& target) {
  TargetChart chart{target, candidate.metric, candidate.title, candidate.unit, {}, {}};
  std::set<double> times;
  for (const auto& line : candidate.lines) {
    for (const auto& [t, v] : line.points) times.insert(t);
  }
  chart.t.assign(times.begin(), times.end());
  for (const auto& line : candidate.lines) {
    ChartLine drawn{line.label, {}};
    for (double t : chart.t) {
      const auto found = line.points.find(t);
      drawn.values.push_back(found == line.points.end() ? std::nullopt : std::optional<double>(found->second));
    }
    chart.lines.push_back(std::move(drawn));
  }
  return chart;
}

}  // namespace

TargetCharts choose_target_charts(const std::vector<metrics::ScrapedTarget>& targets, size_t max_charts) {
  TargetCharts result;
  std::vector<Candidate> candidates;
  for (size_t i = 0; i < targets.size(); ++i) {
    auto of_target = candidates_of(targets[i], i, result.flat);
    std::move(of_target.begin(), of_target.end(), std::back_inserter(candidates));
  }
  std::stable_sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    if (a.rank != b.rank) return a.rank < b.rank;
    return a.variation > b.variation;
  });
  const size_t charted = std::min(max_charts, candidates.size());
  for (size_t i = charted; i < candidates.size(); ++i) {
    result.more.push_back({targets[candidates[i].target].url, candidates[i].metric});
  }
  candidates.resize(charted);
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.target < b.target; });
  for (const auto& candidate : candidates) result.charts.push_back(aligned(candidate, targets[candidate.target].url));
  return result;
}

void write_target_charts_json(std::ostream& out, const TargetCharts& charts) {
  rapidjson::OStreamWrapper stream(out);
  rapidjson::Writer<rapidjson::OStreamWrapper> json(stream);
  json.SetMaxDecimalPlaces(6);
  const auto member = [&json](const char* key, const std::string& text) {
    json.Key(key);
    json.String(text.c_str(), static_cast<rapidjson::SizeType>(text.size()));
  };
  const auto write_line = [&](const ChartLine& line) {
    json.StartObject();
    member("label", line.label);
    json.Key("values");
    json.StartArray();
    for (const auto& value : line.values) {
      if (value && std::isfinite(*value)) json.Double(*value);
      else json.Null();
    }
    json.EndArray();
    json.EndObject();
  };
  const auto write_chart = [&](const TargetChart& chart) {
    json.StartObject();
    member("target", chart.target);
    member("metric", chart.metric);
    member("title", chart.title);
    member("unit", chart.unit);
    json.Key("t");
    json.StartArray();
    for (double t : chart.t) json.Double(t);
    json.EndArray();
    json.Key("lines");
    json.StartArray();
    for (const auto& line : chart.lines) write_line(line);
    json.EndArray();
    json.EndObject();
  };
  json.StartObject();
  json.Key("charts");
  json.StartArray();
  for (const auto& chart : charts.charts) write_chart(chart);
  json.EndArray();
  json.Key("more");
  json.StartArray();
  for (const auto& metric : charts.more) {
    json.StartObject();
    member("target", metric.target);
    member("metric", metric.metric);
    json.EndObject();
  }
  json.EndArray();
  json.Key("flat");
  json.Uint64(charts.flat);
  json.EndObject();
}

}  // namespace ragscale::report
