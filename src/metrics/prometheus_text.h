// A reader of Prometheus's text exposition format (version 0.0.4), as /metrics endpoints
// serve it (ragscale serve and sim, node_exporter, HAProxy's exporter, ...).
//
// Contract: parse_prometheus_text() reads every line: "# TYPE name kind" sets a family's
// kind (counter, gauge, histogram, summary, untyped); "# HELP" and other comments are
// skipped; a sample is `name{label="value",...} value [timestamp]` with label values
// escaped as \\, \" and \n, and values as floats, +Inf, -Inf or NaN. A sample belongs to
// the family of its name, or, for histograms and summaries, of the name without its
// _bucket/_sum/_count suffix. A malformed line is skipped and reported (line number and
// why), never thrown: one bad exporter line must not lose the rest of a scrape. Labels are
// kept sorted by name, so equal label sets compare equal.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ragscale::metrics {

enum class MetricKind { kUntyped, kCounter, kGauge, kHistogram, kSummary };

using Labels = std::vector<std::pair<std::string, std::string>>;

struct Sample {
  std::string name;
  Labels labels;
  double value = 0;
};

struct ParseProblem {
  int line = 0;
  std::string message;
};

struct Exposition {
  std::vector<Sample> samples;
  std::map<std::string, MetricKind> kinds;  // family name -> kind, from # TYPE
  std::vector<ParseProblem> problems;

  // The kind of the family `sample_name` belongs to (kUntyped when not declared).
  MetricKind kind_of(std::string_view sample_name) const;
  // The family a sample belongs to: its name, or a histogram's/summary's base name.
  std::string family_of(std::string_view sample_name) const;
};

Exposition parse_prometheus_text(std::string_view text);

// The value of label `name`, or an empty view.
std::string_view label_value(const Labels& labels, std::string_view name);

}  // namespace ragscale::metrics
