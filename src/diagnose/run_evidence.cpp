#include "diagnose/run_evidence.h"

#include <algorithm>
#include <map>
#include <numeric>

namespace ragscale::diagnose {

std::optional<double> quantile_of(std::vector<double> values, double q) {
  if (values.empty()) return std::nullopt;
  const size_t rank = std::min(values.size() - 1, size_t(q * double(values.size())));
  std::nth_element(values.begin(), values.begin() + ptrdiff_t(rank), values.end());
  return values[rank];
}

double Series::mean() const { return v.empty() ? 0 : std::accumulate(v.begin(), v.end(), 0.0) / double(v.size()); }
double Series::max() const { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

std::optional<double> Series::mean_between(double from, double to) const {
  double sum = 0;
  size_t count = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] >= from && t[i] < to) {
      sum += v[i];
      ++count;
    }
  }
  if (count == 0) return std::nullopt;
  return sum / double(count);
}

std::optional<double> Series::quantile_between(double q, double from, double to) const {
  std::vector<double> values;
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] >= from && t[i] < to) values.push_back(v[i]);
  }
  return quantile_of(std::move(values), q);
}

double Series::slope() const {
  if (t.size() < 2) return 0;
  const double mt = std::accumulate(t.begin(), t.end(), 0.0) / double(t.size());
  const double mv = mean();
  double num = 0, den = 0;
  for (size_t i = 0; i < t.size(); ++i) {
    num += (t[i] - mt) * (v[i] - mv);
    den += (t[i] - mt) * (t[i] - mt);
  }
  return den > 0 ? num / den : 0;
}

RunEvidence::RunEvidence(output::RunSummary summary) : summary_(std::move(summary)) {
  const RunStats& stats = summary_.stats;
  for (const auto& row : stats.history()) {
    const double t = row.unix_time - stats.start_time();
    requests_.t.push_back(t);
    requests_.v.push_back(double(row.aggregate.requests));
    failures_.t.push_back(t);
    failures_.v.push_back(double(row.aggregate.failures));
    users_.t.push_back(t);
    users_.v.push_back(row.user_count);
    if (row.aggregate.window_requests > 0) {
      p95_ms_.t.push_back(t);
      p95_ms_.v.push_back(double(row.aggregate.window_percentile_us(95)) / 1000.0);
    }
  }
}

double RunEvidence::duration_s() const { return summary_.stats.end_time() - summary_.stats.start_time(); }

bool RunEvidence::open_model() const {
  const std::string model = summary_.info.setting("model");
  if (!model.empty()) return model == "open";
  return summary_.info.coordinated_omission_corrected;
}

int RunEvidence::generator_threads() const {
  const std::string threads = summary_.info.setting("threads");
  return threads.empty() ? 1 : std::max(1, std::atoi(threads.c_str()));
}

namespace {

// Per scrape, the sum of every label set of `name` (filtered by `labels`) in one target.
Series summed(const metrics::ScrapedTarget& target, std::string_view name, std::string_view labels) {
  std::map<double, double> sum;
  for (const auto& [key, points] : target.series) {
    const std::string_view metric = std::string_view(key).substr(0, key.find('{'));
    if (metric != name || (!labels.empty() && key.find(labels) == std::string::npos)) continue;
    for (const auto& point : points) sum[point.t] += point.value;
  }
  Series series;
  for (const auto& [t, v] : sum) {
    series.t.push_back(t);
    series.v.push_back(v);
  }
  return series;
}

constexpr std::string_view kGenerator = "generator";

}  // namespace

Series RunEvidence::generator_series(std::string_view name) const {
  for (const auto& target : summary_.info.scraped) {
    if (target.url == kGenerator) return summed(target, name, {});
  }
  return {};
}

std::vector<std::string> RunEvidence::targets() const {
  std::vector<std::string> urls;
  for (const auto& target : summary_.info.scraped) {
    if (target.url != kGenerator) urls.push_back(target.url);
  }
  return urls;
}

Series RunEvidence::scraped(std::string_view name, std::string_view labels) const {
  for (const auto& target : summary_.info.scraped) {
    if (target.url == kGenerator) continue;
    Series series = summed(target, name, labels);
    if (!series.empty()) return series;
  }
  return {};
}

Series RunEvidence::scraped_from(std::string_view target, std::string_view name, std::string_view labels) const {
  for (const auto& scraped : summary_.info.scraped) {
    if (scraped.url == target) return summed(scraped, name, labels);
  }
  return {};
}

}  // namespace ragscale::diagnose
