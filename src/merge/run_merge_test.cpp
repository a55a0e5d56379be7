#include "merge/run_merge.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <sstream>
#include <stdexcept>
#include <vector>

#include "load/segment/execution_segment.h"
#include "stats/stats_shard.h"

namespace ragscale::merge {
namespace {

constexpr double kStart = 1'796'221'200;

// One generator's run: `seconds` seconds of samples drawn from a lognormal distribution
// (kept in `raw` too), its summary written to JSON and read back as merge reads it.
output::RunSummary make_part(const std::string& segment, int seconds, int per_second, uint64_t seed,
                             std::vector<uint64_t>& raw, double median_us = 20'000) {
  std::mt19937_64 random(seed);
  std::lognormal_distribution<double> latency(std::log(median_us), 0.6);
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/query");
  RunStats stats;
  stats.begin(kStart);
  for (int second = 0; second < seconds; ++second) {
    for (int i = 0; i < per_second; ++i) {
      const auto sample = static_cast<uint64_t>(latency(random)) + 1;
      raw.push_back(sample);
      if (i % 50 == 49) shard.record_failure(id, sample, 100, ErrorKind::kHttpStatus, "HTTP 503");
      else shard.record_success(id, sample, 100);
    }
    stats.add(shard.take_interval());
    stats.close_second(kStart + second + 1.003, 10);
  }
  stats.finish(kStart + seconds + 0.01);
  output::RunInfo info;
  info.host = "http://127.0.0.1:8080";
  info.settings = {{"rate", "500 it/s"}};
  if (!segment.empty()) {
    const auto parsed = load::ExecutionSegment::parse(segment);
    info.settings.emplace_back("segment", parsed.describe());
    info.settings.emplace_back("segment period", std::to_string(parsed.period()));
  }
  info.thresholds.push_back({"http_req_duration: p(99)<100", true, true, 50});
  std::ostringstream json;
  output::write_json_summary(json, info, stats);
  return output::parse_json_summary(json.str(), segment + ".json");
}

TEST(RunMergeTest, MergedPercentilesAreThoseOfTheUnionOfAllSamples) {
  std::vector<uint64_t> raw;
  std::vector<MergeInput> inputs;
  for (int i = 0; i < 4; ++i) {
    inputs.push_back({"part-" + std::to_string(i), make_part(std::to_string(i) + "/4", 10, 500 + 37 * i, 11 + i, raw,
                                                             15'000 + 5'000 * i)});
  }
  MergedRun merged = merge_runs(std::move(inputs), {});
  const EndpointStats& aggregate = merged.summary.stats.aggregate();
  ASSERT_EQ(aggregate.requests(), raw.size());

  LatencyHistogram union_histogram;
  for (uint64_t sample : raw) union_histogram.record(sample);
  std::sort(raw.begin(), raw.end());
  for (double p : {50.0, 90.0, 95.0, 99.0, 99.9, 100.0}) {
    // Exactly the histogram of every sample, as one generator would have recorded it...
    EXPECT_EQ(aggregate.latency().percentile(p), union_histogram.percentile(p)) << p;
    // ...which is the raw samples' nearest-rank percentile within the histogram's resolution.
    const size_t rank = static_cast<size_t>(std::ceil(p / 100.0 * static_cast<double>(raw.size())));
    const double exact = static_cast<double>(raw[std::max<size_t>(rank, 1) - 1]);
    EXPECT_NEAR(static_cast<double>(aggregate.latency().percentile(p)), exact, exact * 0.01) << p;
  }
  EXPECT_EQ(aggregate.latency().max(), raw.back());
  EXPECT_EQ(merged.coverage, 1.0);
  EXPECT_TRUE(merged.warnings.empty());
}

TEST(RunMergeTest, CountsAddUpAndSecondsAlignByWallClock) {
  std::vector<uint64_t> raw;
  std::vector<MergeInput> inputs;
  inputs.push_back({"a.json", make_part("0/2", 5, 100, 1, raw)});
  inputs.push_back({"b.json", make_part("1/2", 5, 300, 2, raw)});
  MergedRun merged = merge_runs(std::move(inputs), {});
  const RunStats& stats = merged.summary.stats;
  EXPECT_EQ(stats.aggregate().requests(), 2000u);
  EXPECT_EQ(stats.aggregate().failures(), 40u);
  ASSERT_EQ(stats.errors().size(), 1u);
  EXPECT_EQ(stats.errors()[0].occurrences, 40u);
  ASSERT_EQ(stats.history().size(), 5u);
  for (const HistoryRow& row : stats.history()) {
    EXPECT_EQ(row.aggregate.requests, 400u);
    EXPECT_EQ(row.user_count, 20);
  }
  // One row per part, in order, with its own figures.
  const auto& parts = merged.summary.info.parts;
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0].segment, "0/2");
  EXPECT_EQ(parts[0].source, "a.json");
  EXPECT_EQ(parts[0].requests, 500u);
  EXPECT_EQ(parts[1].requests, 1500u);
  // The part settings are the parts', not the merged run's.
  for (const auto& [key, value] : merged.summary.info.settings) EXPECT_NE(key, "segment");
}

TEST(RunMergeTest, ThresholdsAreJudgedOnTheWholeRun) {
  std::vector<uint64_t> raw;
  std::vector<MergeInput> inputs;
  // A fast part and a slow one: the whole run's p50 sits between them.
  inputs.push_back({"fast.json", make_part("0/2", 3, 200, 3, raw, 10'000)});
  inputs.push_back({"slow.json", make_part("1/2", 3, 200, 4, raw, 40'000)});
  std::vector<scenario::Threshold> extra = {scenario::parse_threshold_cli("http_req_duration:med<15"),
                                            scenario::parse_threshold_cli("http_req_failed:rate<0.05")};
  MergedRun merged = merge_runs(std::move(inputs), extra);
  ASSERT_EQ(merged.thresholds.results.size(), 3u);  // the parts' one (once) and the two given
  EXPECT_EQ(merged.thresholds.results[0].expression, "http_req_duration: p(99)<100");
  EXPECT_FALSE(merged.thresholds.results[1].passed);  // median of the whole is above 15 ms
  EXPECT_GT(merged.thresholds.results[1].observed, 15);
  EXPECT_LT(merged.thresholds.results[1].observed, 40);
  EXPECT_TRUE(merged.thresholds.results[2].passed);
  EXPECT_NEAR(merged.thresholds.results[2].observed, 0.02, 1e-9);
  // The merged summary carries the whole run's verdicts, not the parts'.
  ASSERT_EQ(merged.summary.info.thresholds.size(), 3u);
  EXPECT_FALSE(merged.summary.info.thresholds[1].passed);
}

TEST(RunMergeTest, OverlappingSegmentsAreRefusedAndGapsWarned) {
  std::vector<uint64_t> raw;
  {
    std::vector<MergeInput> inputs;
    inputs.push_back({"a.json", make_part("0/2", 1, 10, 1, raw)});
    inputs.push_back({"again.json", make_part("0/2", 1, 10, 2, raw)});
    try {
      merge_runs(std::move(inputs), {});
      ADD_FAILURE() << "overlap accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("a.json (segment 0/2) and again.json (segment 0/2) overlap"),
                std::string::npos)
          << error.what();
    }
  }
  {
    std::vector<MergeInput> inputs;
    inputs.push_back({"half.json", make_part("0/2", 1, 10, 1, raw)});
    inputs.push_back({"quarter.json", make_part("2/4", 1, 10, 2, raw)});
    try {
      merge_runs(std::move(inputs), {});
      ADD_FAILURE() << "different sequences accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("different common denominators (2 and 4)"),
                std::string::npos)
          << error.what();
    }
  }
  std::vector<MergeInput> inputs;
  inputs.push_back({"a.json", make_part("0/4", 1, 10, 1, raw)});
  inputs.push_back({"c.json", make_part("2/4", 1, 10, 2, raw)});
  MergedRun merged = merge_runs(std::move(inputs), {});
  EXPECT_DOUBLE_EQ(merged.coverage, 0.5);
  ASSERT_EQ(merged.warnings.size(), 1u);
  EXPECT_NE(merged.warnings[0].find("cover 50%"), std::string::npos) << merged.warnings[0];
  EXPECT_NE(merged.warnings[0].find("1/4:1/2, 3/4:1"), std::string::npos) << merged.warnings[0];
}

TEST(RunMergeTest, AMergedRunMergesAgainWithItsParts) {
  std::vector<uint64_t> raw;
  std::vector<MergeInput> first;
  first.push_back({"a.json", make_part("0/4", 2, 10, 1, raw)});
  first.push_back({"b.json", make_part("1/4", 2, 10, 2, raw)});
  MergedRun half = merge_runs(std::move(first), {});
  std::ostringstream json;
  output::write_json_summary(json, half.summary.info, half.summary.stats);
  std::vector<MergeInput> second;
  second.push_back({"half.json", output::parse_json_summary(json.str(), "half.json")});
  second.push_back({"c.json", make_part("2/4", 2, 10, 3, raw)});
  second.push_back({"d.json", make_part("3/4", 2, 10, 4, raw)});
  MergedRun whole = merge_runs(std::move(second), {});
  EXPECT_EQ(whole.summary.stats.aggregate().requests(), 80u);
  ASSERT_EQ(whole.summary.info.parts.size(), 4u);
  EXPECT_EQ(whole.summary.info.parts[0].source, "a.json");
  EXPECT_EQ(whole.summary.info.parts[3].segment, "3/4");
  EXPECT_DOUBLE_EQ(whole.coverage, 1.0);
}

}  // namespace
}  // namespace ragscale::merge
