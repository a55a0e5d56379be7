#include "metrics/prometheus_text.h"

#include <algorithm>
#include <charconv>
#include <cmath>
#include <limits>

namespace ragscale::metrics {
namespace {

bool is_name_start(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'; }
bool is_name_char(char c) { return is_name_start(c) || (c >= '0' && c <= '9'); }

void skip_blanks(std::string_view text, size_t& at) {
  while (at < text.size() && (text[at] == ' ' || text[at] == '\t')) ++at;
}

std::string_view read_name(std::string_view text, size_t& at) {
  const size_t start = at;
  if (at < text.size() && is_name_start(text[at])) {
    ++at;
    while (at < text.size() && is_name_char(text[at])) ++at;
  }
  return text.substr(start, at - start);
}

bool parse_value(std::string_view text, double& value) {
  if (text == "+Inf" || text == "Inf") {
    value = std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "-Inf") {
    value = -std::numeric_limits<double>::infinity();
    return true;
  }
  if (text == "NaN") {
    value = std::numeric_limits<double>::quiet_NaN();
    return true;
  }
  if (!text.empty() && text.front() == '+') text.remove_prefix(1);
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size();
}

constexpr std::string_view kSuffixes[] = {"_bucket", "_sum", "_count"};

// Reads `{a="x",b="y"}` at `at` (which is at '{'); false with `why` when malformed.
bool read_labels(std::string_view text, size_t& at, Labels& labels, std::string& why) {
  ++at;
  for (;;) {
    skip_blanks(text, at);
    if (at < text.size() && text[at] == '}') {
      ++at;
      break;
    }
    const std::string_view name = read_name(text, at);
    if (name.empty()) {
      why = "a label name was expected";
      return false;
    }
    skip_blanks(text, at);
    if (at + 1 >= text.size() || text[at] != '=' || text[at + 1] != '"') {
      why = "label " + std::string(name) + " needs =\"value\"";
      return false;
    }
    at += 2;
    std::string value;
    bool closed = false;
    while (at < text.size()) {
      const char c = text[at++];
      if (c == '"') {
        closed = true;
        break;
      }
      if (c == '\\' && at < text.size()) {
        const char escaped = text[at++];
        value += escaped == 'n' ? '\n' : escaped;
      } else {
        value += c;
      }
    }
    if (!closed) {
      why = "label " + std::string(name) + "'s value is not closed";
      return false;
    }
    labels.emplace_back(std::string(name), std::move(value));
    skip_blanks(text, at);
    if (at < text.size() && text[at] == ',') ++at;
    else if (at < text.size() && text[at] == '}') continue;
    else {
      why = "labels must be separated by commas and closed with }";
      return false;
    }
  }
  std::sort(labels.begin(), labels.end());
  return true;
}

void parse_type_line(std::string_view line, Exposition& out, int number) {
  size_t at = 6;  // after "# TYPE"
  skip_blanks(line, at);
  const std::string_view name = read_name(line, at);
  skip_blanks(line, at);
  const std::string_view kind = line.substr(at);
  MetricKind parsed;
  if (kind == "counter") parsed = MetricKind::kCounter;
  else if (kind == "gauge") parsed = MetricKind::kGauge;
  else if (kind == "histogram") parsed = MetricKind::kHistogram;
  else if (kind == "summary") parsed = MetricKind::kSummary;
  else if (kind == "untyped") parsed = MetricKind::kUntyped;
  else {
    out.problems.push_back({number, "unknown metric type '" + std::string(kind) + "'"});
    return;
  }
  if (name.empty()) {
    out.problems.push_back({number, "# TYPE without a metric name"});
    return;
  }
  out.kinds[std::string(name)] = parsed;
}

}  // namespace

std::string Exposition::family_of(std::string_view sample_name) const {
  for (std::string_view suffix : kSuffixes) {
    if (sample_name.size() > suffix.size() && sample_name.substr(sample_name.size() - suffix.size()) == suffix) {
      const std::string base(sample_name.substr(0, sample_name.size() - suffix.size()));
      auto found = kinds.find(base);
      if (found != kinds.end() && (found->second == MetricKind::kHistogram || found->second == MetricKind::kSummary)) {
        return base;
      }
    }
  }
  return std::string(sample_name);
}

MetricKind Exposition::kind_of(std::string_view sample_name) const {
  auto found = kinds.find(family_of(sample_name));
  return found == kinds.end() ? MetricKind::kUntyped : found->second;
}

Exposition parse_prometheus_text(std::string_view text) {
  Exposition out;
  int number = 0;
  while (!text.empty()) {
    const size_t newline = text.find('\n');
    std::string_view line = text.substr(0, newline);
    text = newline == std::string_view::npos ? std::string_view{} : text.substr(newline + 1);
    ++number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    size_t at = 0;
    skip_blanks(line, at);
    if (at == line.size()) continue;
    if (line[at] == '#') {
      if (line.substr(at).starts_with("# TYPE ")) parse_type_line(line.substr(at), out, number);
      continue;
    }
    Sample sample;
    sample.name = std::string(read_name(line, at));
    if (sample.name.empty()) {
      out.problems.push_back({number, "a metric name was expected"});
      continue;
    }
    std::string why;
    if (at < line.size() && line[at] == '{' && !read_labels(line, at, sample.labels, why)) {
      out.problems.push_back({number, sample.name + ": " + why});
      continue;
    }
    skip_blanks(line, at);
    const size_t value_end = std::min(line.find_first_of(" \t", at), line.size());
    if (!parse_value(line.substr(at, value_end - at), sample.value)) {
      out.problems.push_back({number, sample.name + ": '" + std::string(line.substr(at, value_end - at)) +
                                          "' is not a sample value"});
      continue;
    }
    out.samples.push_back(std::move(sample));
  }
  return out;
}

std::string_view label_value(const Labels& labels, std::string_view name) {
  for (const auto& [key, value] : labels) {
    if (key == name) return value;
  }
  return {};
}

}  // namespace ragscale::metrics
