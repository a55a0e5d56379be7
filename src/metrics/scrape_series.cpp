#include "metrics/scrape_series.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>
#include <optional>

namespace ragscale::metrics {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

Labels without(const Labels& labels, std::string_view name) {
  Labels kept;
  for (const auto& label : labels) {
    if (label.first != name) kept.push_back(label);
  }
  return kept;
}

double bound_of(std::string_view le) {
  if (le == "+Inf" || le == "Inf") return std::numeric_limits<double>::infinity();
  double value = std::numeric_limits<double>::quiet_NaN();
  std::from_chars(le.data(), le.data() + le.size(), value);
  return value;
}

}  // namespace

std::string series_key(std::string_view name, const Labels& labels) {
  std::string key(name);
  if (labels.empty()) return key;
  key += '{';
  for (size_t i = 0; i < labels.size(); ++i) {
    if (i) key += ',';
    key += labels[i].first + "=\"";
    for (char c : labels[i].second) {
      if (c == '"' || c == '\\') key += '\\';
      key += c == '\n' ? 'n' : c;
    }
    key += '"';
  }
  key += '}';
  return key;
}

std::optional<double> histogram_quantile(double q, const std::vector<std::pair<double, double>>& buckets) {
  if (buckets.empty()) return std::nullopt;
  const double total = buckets.back().second;
  if (!(total > 0)) return std::nullopt;
  const double rank = q * total;
  double lower = 0, below = 0;
  for (size_t i = 0; i < buckets.size(); ++i) {
    const auto [upper, count] = buckets[i];
    if (count >= rank) {
      if (std::isinf(upper)) return i == 0 ? std::nullopt : std::optional<double>(buckets[i - 1].first);
      if (i == 0 && upper <= 0) return upper;
      return lower + (upper - lower) * (count > below ? (rank - below) / (count - below) : 0);
    }
    lower = upper;
    below = count;
  }
  return buckets.back().first;
}

void ScrapeSeries::add_counter(double t, const std::string& key, double value) {
  // New after the first scrape: it was 0 at the previous one (see the header).
  auto [last, fresh] = counters_.try_emplace(key, previous_scrape_t_ ? Last{*previous_scrape_t_, 0} : Last{t, value});
  if (fresh && !previous_scrape_t_) return;
  const double elapsed = t - last->second.t;
  if (elapsed > 0) {
    const double increase = value >= last->second.value ? value - last->second.value : value;  // reset: since 0
    series_[key].push_back({t, increase / elapsed});
  }
  last->second = {t, value};
}

void ScrapeSeries::add_histograms(double t, const Exposition& exposition) {
  // Cumulative buckets per histogram series (labels without le).
  std::map<std::string, std::pair<std::string, std::vector<std::pair<double, double>>>> now;
  for (const auto& sample : exposition.samples) {
    if (!ends_with(sample.name, "_bucket") || exposition.kind_of(sample.name) != MetricKind::kHistogram) continue;
    const double bound = bound_of(label_value(sample.labels, "le"));
    if (std::isnan(bound) || std::isnan(sample.value)) continue;
    const std::string family = exposition.family_of(sample.name);
    const Labels labels = without(sample.labels, "le");
    auto& entry = now[series_key(family, labels)];
    entry.first = family;
    entry.second.emplace_back(bound, sample.value);
  }
  for (auto& [key, entry] : now) {
    auto& buckets = entry.second;
    std::sort(buckets.begin(), buckets.end());
    auto previous = buckets_.find(key);
    if (previous == buckets_.end() && previous_scrape_t_) {
      // New after the first scrape: every bucket was 0 at the previous one.
      std::vector<std::pair<double, double>> zeros = buckets;
      for (auto& bucket : zeros) bucket.second = 0;
      previous = buckets_.emplace(key, std::move(zeros)).first;
    }
    if (previous != buckets_.end() && previous->second.size() == buckets.size()) {
      // This interval's observations; a reset (any bucket went down) counts from 0.
      std::vector<std::pair<double, double>> interval = buckets;
      bool reset = false;
      for (size_t i = 0; i < buckets.size(); ++i) reset = reset || buckets[i].second < previous->second[i].second;
      if (!reset) {
        for (size_t i = 0; i < buckets.size(); ++i) interval[i].second -= previous->second[i].second;
      }
      const std::string labels = key.substr(entry.first.size());
      for (auto [q, name] : {std::pair{0.5, ":p50"}, std::pair{0.95, ":p95"}, std::pair{0.99, ":p99"}}) {
        if (auto value = histogram_quantile(q, interval)) series_[entry.first + name + labels].push_back({t, *value});
      }
    }
    buckets_[key] = std::move(buckets);
  }
}

void ScrapeSeries::add_scrape(double t, const Exposition& exposition) {
  for (const auto& sample : exposition.samples) {
    if (std::isnan(sample.value)) continue;
    const MetricKind kind = exposition.kind_of(sample.name);
    const std::string family = exposition.family_of(sample.name);
    if (kind == MetricKind::kHistogram || kind == MetricKind::kSummary) {
      if (ends_with(sample.name, "_count")) {
        const Labels labels = sample.labels;
        add_counter(t, family + ":rate" + series_key("", labels), sample.value);
      } else if (kind == MetricKind::kSummary && sample.name == family) {
        series_[series_key(sample.name, sample.labels)].push_back({t, sample.value});
      }
      continue;
    }
    const std::string key = series_key(sample.name, sample.labels);
    const bool counter = kind == MetricKind::kCounter || (kind == MetricKind::kUntyped && ends_with(sample.name, "_total"));
    if (counter) add_counter(t, key, sample.value);
    else series_[key].push_back({t, sample.value});
  }
  add_histograms(t, exposition);
  previous_scrape_t_ = t;
}

}  // namespace ragscale::metrics
