#include "merge/run_merge.h"

#include <algorithm>
#include <stdexcept>

#include "load/run_metrics.h"
#include "load/segment/execution_segment.h"

namespace ragscale::merge {

namespace {

using load::ExecutionSegment;
using load::Fraction;

// Settings that describe one part, not the merged run.
bool is_part_setting(const std::string& key) {
  return key == "segment" || key == "segment period" || key == "late start";
}

struct NamedSegment {
  std::string source;
  ExecutionSegment segment;
};

// Refuses overlaps; returns the covered share and, when it is not all, what is missing.
double check_segments(std::vector<NamedSegment> segments, std::vector<std::string>& warnings) {
  std::sort(segments.begin(), segments.end(),
            [](const NamedSegment& a, const NamedSegment& b) { return a.segment.begin() < b.segment.begin(); });
  for (size_t i = 1; i < segments.size(); ++i) {
    if (segments[i - 1].segment.overlaps(segments[i].segment)) {
      throw std::invalid_argument(segments[i - 1].source + " (segment " + segments[i - 1].segment.describe() + ") and " +
                                  segments[i].source + " (segment " + segments[i].segment.describe() +
                                  ") overlap: each part of the run must be given once");
    }
  }
  double covered = 0;
  std::vector<std::string> gaps;
  Fraction at{0, 1};
  for (const NamedSegment& named : segments) {
    covered += named.segment.fraction();
    if (at < named.segment.begin()) gaps.push_back(at.text() + ":" + named.segment.begin().text());
    at = named.segment.end();
  }
  if (at < Fraction{1, 1}) gaps.push_back(at.text() + ":1");
  if (!gaps.empty()) {
    std::string list;
    for (const auto& gap : gaps) list += (list.empty() ? "" : ", ") + gap;
    warnings.push_back("the parts cover " + std::to_string(static_cast<int>(covered * 100 + 0.5)) +
                       "% of the run; missing segment(s) " + list + ": the merged figures are of a partial run");
  }
  return covered;
}

std::vector<scenario::Threshold> thresholds_to_judge(const std::vector<MergeInput>& inputs,
                                                     const std::vector<scenario::Threshold>& extra) {
  std::vector<scenario::Threshold> thresholds;
  auto known = [&](const std::string& expression) {
    return std::any_of(thresholds.begin(), thresholds.end(),
                       [&](const scenario::Threshold& held) { return held.expression == expression; });
  };
  for (const MergeInput& input : inputs) {
    for (const output::ThresholdVerdict& verdict : input.summary.info.thresholds) {
      if (known(verdict.expression)) continue;
      try {
        thresholds.push_back(scenario::parse_threshold_cli(verdict.expression));
      } catch (const std::invalid_argument& error) {
        throw std::invalid_argument(input.source + ": threshold '" + verdict.expression +
                                    "' cannot be judged again: " + error.what());
      }
    }
  }
  for (const scenario::Threshold& threshold : extra) {
    if (!known(threshold.expression)) thresholds.push_back(threshold);
  }
  return thresholds;
}

}  // namespace

output::RunPart part_of(const std::string& source, const output::RunSummary& summary) {
  const RunStats& stats = summary.stats;
  const EndpointStats& aggregate = stats.aggregate();
  output::RunPart part;
  part.source = source;
  part.segment = summary.info.setting("segment");
  const std::string period = summary.info.setting("segment period");
  if (!period.empty()) part.segment_period = std::strtoull(period.c_str(), nullptr, 10);
  part.host = summary.info.host;
  part.start_unix_time = stats.start_time();
  part.end_unix_time = stats.end_time();
  const std::string late = summary.info.setting("late start");
  if (!late.empty()) part.late_start_seconds = std::strtod(late.c_str(), nullptr);
  part.requests = aggregate.requests();
  part.failures = aggregate.failures();
  part.requests_per_second = stats.requests_per_second(aggregate);
  part.p50_us = static_cast<int64_t>(aggregate.latency().percentile(50));
  part.p95_us = static_cast<int64_t>(aggregate.latency().percentile(95));
  part.p99_us = static_cast<int64_t>(aggregate.latency().percentile(99));
  return part;
}

MergedRun merge_runs(std::vector<MergeInput> inputs, const std::vector<scenario::Threshold>& extra) {
  if (inputs.empty()) throw std::invalid_argument("nothing to merge: give two or more JSON summaries");
  MergedRun merged;
  std::vector<output::RunPart> parts;
  std::vector<NamedSegment> segments;
  for (const MergeInput& input : inputs) {
    std::vector<output::RunPart> own = input.summary.info.parts;
    if (own.empty()) own.push_back(part_of(input.source, input.summary));
    for (const output::RunPart& part : own) {
      if (!part.segment.empty()) {
        try {
          const ExecutionSegment parsed = ExecutionSegment::parse(part.segment, {}, "segment");
          segments.push_back({input.source, ExecutionSegment(parsed.begin(), parsed.end(), part.segment_period)});
        } catch (const std::invalid_argument& error) {
          throw std::invalid_argument(input.source + ": " + error.what());
        }
        // Users, arrivals and rows are dealt by the period: parts cut with different ones
        // counted different numbers as theirs, and would not add up to one run.
        const uint64_t first = segments.front().segment.period();
        const uint64_t own = segments.back().segment.period();
        if (own != first) {
          throw std::invalid_argument(segments.front().source + " and " + input.source +
                                      " were cut with different common denominators (" + std::to_string(first) +
                                      " and " + std::to_string(own) +
                                      "): run every generator with one --segment-sequence, e.g. 0,1/2,3/4,1");
        }
      }
      if (part.late_start_seconds > 1) {
        merged.warnings.push_back(part.source + " started " + std::to_string(part.late_start_seconds).substr(0, 4) +
                                  " s after its --start-at: its first seconds are missing from the merged run");
      }
      parts.push_back(part);
    }
  }
  if (!segments.empty() && segments.size() != parts.size()) {
    merged.warnings.push_back("some parts name a segment and some do not: check that they belong to one run");
  }
  merged.coverage = segments.empty() ? 1.0 : check_segments(segments, merged.warnings);
  const std::vector<scenario::Threshold> thresholds = thresholds_to_judge(inputs, extra);

  output::RunSummary& whole = merged.summary;
  whole = std::move(inputs.front().summary);
  for (size_t i = 1; i < inputs.size(); ++i) output::merge_summaries(whole, inputs[i].summary);
  std::erase_if(whole.info.settings, [](const auto& entry) { return is_part_setting(entry.first); });
  whole.info.settings.emplace_back("generators", std::to_string(parts.size()) + " merged");
  whole.info.parts = std::move(parts);
  merged.aborted = !whole.info.abort_reason.empty();

  scenario::ThresholdEvaluator evaluator(thresholds);
  merged.thresholds = evaluator.evaluate(load::RunMetrics(whole.stats), std::chrono::steady_clock::now());
  whole.info.thresholds.clear();
  for (const auto& result : merged.thresholds.results) {
    whole.info.thresholds.push_back({result.expression, result.passed, result.has_data, result.observed});
  }
  return merged;
}

}  // namespace ragscale::merge
