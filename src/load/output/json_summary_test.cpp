#include "load/output/json_summary.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <sstream>

#include "stats/stats_shard.h"

namespace ragscale::output {
namespace {

// One second of traffic from generator `seed`; both generators share "/common".
void record_second(StatsShard& shard, int seed, int second) {
  const uint32_t common = shard.endpoint_id("GET", "/common");
  const uint32_t own = shard.endpoint_id("POST", seed == 1 ? "/one" : "/two");
  for (int i = 0; i < 30 * seed; ++i) shard.record_success(common, uint64_t(97 * seed + i * 1013 + second), 128);
  shard.record_failure(own, 4'000'000 + uint64_t(seed), 0, ErrorKind::kTimeout, "timeout after 4s");
  shard.record_rate_limited(common, 300, 0, /*counts_as_failure=*/true);
  for (int i = 0; i < seed; ++i) shard.record_retry(own);
  shard.record_iteration();
  shard.record_dropped();
  if (second == 2) shard.record_exception("body template: unknown variable \"q\"");
}

RunStats run_of(std::initializer_list<int> seeds) {
  RunStats run;
  std::vector<StatsShard> shards(seeds.size());
  run.begin(1'700'000'000.0);
  for (int second = 1; second <= 4; ++second) {
    size_t shard = 0;
    for (int seed : seeds) {
      record_second(shards[shard], seed, second);
      run.add(shards[shard++].take_interval());
    }
    run.close_second(1'700'000'000.0 + second, 10 * int(seeds.size()));
  }
  run.finish(1'700'000'004.5);
  return run;
}

RunInfo info_of(const std::string& host) {
  RunInfo info;
  info.host = host;
  info.settings = {{"users", "10"}, {"duration", "4s"}};
  info.coordinated_omission_corrected = true;
  info.thresholds = {{"http_req_duration: p(95)<500", true, true, 12.5},
                     {"http_req_failed{name:/one}: rate<0.01", false, true, 0.25},
                     {"http_req_duration{name:/none}: p(99)<100", true, false, 0}};
  info.abort_reason = "threshold 'http_req_failed' failed for 1s (after 3.0 s, at 20 users)";
  return info;
}

std::string to_json(const RunInfo& info, const RunStats& stats) {
  std::ostringstream out;
  write_json_summary(out, info, stats);
  return out.str();
}

TEST(JsonSummaryTest, WritesEveryFigure) {
  const RunStats run = run_of({1});
  rapidjson::Document json;
  json.Parse(to_json(info_of("http://target:8080"), run).c_str());
  ASSERT_FALSE(json.HasParseError());
  EXPECT_STREQ(json["format"].GetString(), "ragscale-load-summary");
  EXPECT_STREQ(json["run"]["host"].GetString(), "http://target:8080");
  EXPECT_DOUBLE_EQ(json["run"]["duration_s"].GetDouble(), 4.5);
  EXPECT_EQ(json["run"]["peak_users"].GetInt(), 10);
  EXPECT_TRUE(json["run"]["coordinated_omission_corrected"].GetBool());
  EXPECT_STREQ(json["run"]["settings"][1][0].GetString(), "duration");
  EXPECT_EQ(json["percentiles"].Size(), 11u);
  const auto& aggregate = json["aggregate"];
  EXPECT_STREQ(aggregate["name"].GetString(), "Aggregated");
  EXPECT_EQ(aggregate["requests"].GetUint64(), 4u * 32);
  EXPECT_EQ(aggregate["failures"].GetUint64(), 8u);
  EXPECT_EQ(aggregate["rate_limited"].GetUint64(), 4u);
  EXPECT_EQ(aggregate["latency_us"]["percentiles"]["p100"].GetUint64(), 4'000'001u);
  EXPECT_EQ(aggregate["latency_us"]["max"].GetUint64(), 4'000'001u);
  EXPECT_TRUE(aggregate["latency_us"]["percentiles"].HasMember("p99.99"));
  EXPECT_TRUE(aggregate["latency_us"]["histogram"][0].IsArray());
  EXPECT_EQ(json["endpoints"].Size(), 2u);
  EXPECT_STREQ(json["endpoints"][0]["name"].GetString(), "/common");
  EXPECT_EQ(json["errors"].Size(), 2u);
  EXPECT_STREQ(json["errors"][0]["kind"].GetString(), "rate_limited");  // 4 each: sorted by name
  EXPECT_STREQ(json["errors"][1]["kind"].GetString(), "timeout");
  EXPECT_EQ(json["counters"]["dropped"].GetUint64(), 4u);
  EXPECT_EQ(json["exceptions"][0]["count"].GetUint64(), 1u);
  ASSERT_EQ(json["history"].Size(), 4u);
  const auto& row = json["history"][3];
  EXPECT_EQ(row["users"].GetInt(), 10);
  EXPECT_EQ(row["aggregate"]["requests"].GetUint64(), 32u);
  EXPECT_DOUBLE_EQ(row["aggregate"]["rps"].GetDouble(), 32.0);
  EXPECT_TRUE(row["aggregate"]["window_percentiles_us"].HasMember("p95"));
  EXPECT_EQ(row["endpoints"].Size(), 2u);
  EXPECT_STREQ(row["endpoints"][1]["name"].GetString(), "/one");
}

TEST(JsonSummaryTest, ReadingBackRestoresTheRunExactly) {
  const RunStats run = run_of({1, 2});
  const RunSummary summary = parse_json_summary(to_json(info_of("h"), run), "test.json");
  EXPECT_EQ(summary.info, info_of("h"));
  const RunStats& restored = summary.stats;
  ASSERT_EQ(restored.endpoints().size(), run.endpoints().size());
  for (const EndpointStats& expected : run.endpoints()) {
    const EndpointStats* endpoint = restored.find(expected.method(), expected.name());
    ASSERT_NE(endpoint, nullptr);
    EXPECT_EQ(endpoint->requests(), expected.requests());
    EXPECT_EQ(endpoint->failures(), expected.failures());
    EXPECT_EQ(endpoint->rate_limited(), expected.rate_limited());
    EXPECT_EQ(endpoint->bytes(), expected.bytes());
    EXPECT_EQ(endpoint->retries(), expected.retries());
    EXPECT_EQ(endpoint->latency(), expected.latency());
  }
  EXPECT_EQ(restored.aggregate().latency(), run.aggregate().latency());
  EXPECT_EQ(restored.aggregate().retries(), 12u);  // 4 seconds of 1 + 2 retries
  EXPECT_EQ(restored.start_time(), run.start_time());
  EXPECT_EQ(restored.end_time(), run.end_time());
  EXPECT_EQ(restored.peak_user_count(), run.peak_user_count());
  EXPECT_EQ(restored.iterations(), run.iterations());
  EXPECT_EQ(restored.dropped(), run.dropped());
  EXPECT_EQ(restored.exceptions(), run.exceptions());
  EXPECT_EQ(restored.errors().size(), run.errors().size());
  ASSERT_EQ(restored.history().size(), run.history().size());
  for (size_t i = 0; i < run.history().size(); ++i) {
    EXPECT_EQ(restored.history()[i].aggregate, run.history()[i].aggregate) << i;
    EXPECT_EQ(restored.history()[i].user_count, run.history()[i].user_count);
  }
}

TEST(JsonSummaryTest, ScrapedSeriesRoundTripAndMergeOncePerTarget) {
  RunInfo info = info_of("h");
  metrics::ScrapedTarget sim;
  sim.url = "http://127.0.0.1:9/metrics";
  sim.scrapes = 3;
  sim.failures = 1;
  sim.problems = 2;
  sim.last_failure = "HTTP 503";
  sim.series["ragscale_sim_active_generations"] = {{1.0, 4}, {2.0, 6.5}};
  sim.series["req_total{route=\"/q\"}"] = {{2.0, 50}};
  info.scraped = {sim};
  const RunStats run = run_of({1});
  const RunSummary restored = parse_json_summary(to_json(info, run), "scraped.json");
  EXPECT_EQ(restored.info.scraped, info.scraped);
  EXPECT_EQ(restored.info, info);
  // Merging two generators' summaries that scraped the same target keeps it once.
  RunSummary merged = restored;
  merge_summaries(merged, restored);
  EXPECT_EQ(merged.info.scraped.size(), 1u);
  // A summary without "scrape" reads as one without scraped targets.
  EXPECT_TRUE(parse_json_summary(to_json(info_of("h"), run), "plain.json").info.scraped.empty());
}

TEST(JsonSummaryTest, MergingTwoFilesEqualsOneRunWithBothData) {
  const std::filesystem::path directory = std::filesystem::temp_directory_path() / "ragscale_json_summary_test";
  std::filesystem::create_directories(directory);
  const std::string first_path = (directory / "first.json").string();
  const std::string second_path = (directory / "second.json").string();
  write_json_summary_file(first_path, info_of("http://a"), run_of({1}));
  write_json_summary_file(second_path, info_of("http://a"), run_of({2}));

  RunSummary merged = read_json_summary(first_path);
  merge_summaries(merged, read_json_summary(second_path));
  std::filesystem::remove_all(directory);
  const RunStats both = run_of({1, 2});

  EXPECT_EQ(merged.info, info_of("http://a"));
  for (const EndpointStats& expected : both.endpoints()) {
    const EndpointStats* endpoint = merged.stats.find(expected.method(), expected.name());
    ASSERT_NE(endpoint, nullptr) << expected.name();
    EXPECT_EQ(endpoint->requests(), expected.requests());
    EXPECT_EQ(endpoint->failures(), expected.failures());
    EXPECT_EQ(endpoint->retries(), expected.retries());
    EXPECT_EQ(endpoint->latency(), expected.latency());
  }
  EXPECT_EQ(merged.stats.aggregate().latency(), both.aggregate().latency());
  EXPECT_EQ(merged.stats.aggregate().retries(), both.aggregate().retries());
  EXPECT_EQ(merged.stats.aggregate().latency().percentile(99.9), both.aggregate().latency().percentile(99.9));
  EXPECT_EQ(merged.stats.requests_per_second(merged.stats.aggregate()), both.requests_per_second(both.aggregate()));
  EXPECT_EQ(merged.stats.iterations(), both.iterations());
  EXPECT_EQ(merged.stats.dropped(), both.dropped());
  EXPECT_EQ(merged.stats.exceptions(), both.exceptions());
  ASSERT_EQ(merged.stats.errors().size(), both.errors().size());
  for (const ErrorRecord& error : both.errors()) {
    EXPECT_NE(std::find(merged.stats.errors().begin(), merged.stats.errors().end(), error), merged.stats.errors().end());
  }
  EXPECT_EQ(merged.stats.peak_user_count(), both.peak_user_count());
  ASSERT_EQ(merged.stats.history().size(), both.history().size());
  for (size_t i = 0; i < both.history().size(); ++i) {
    EXPECT_EQ(merged.stats.history()[i].aggregate.requests, both.history()[i].aggregate.requests);
    EXPECT_EQ(merged.stats.history()[i].aggregate.total_requests, both.history()[i].aggregate.total_requests);
    EXPECT_EQ(merged.stats.history()[i].user_count, both.history()[i].user_count);
  }
}

TEST(JsonSummaryTest, MergingDifferentHostsKeepsBoth) {
  RunSummary first{info_of("http://a"), RunStats()};
  RunSummary second{info_of("http://b"), RunStats()};
  second.info.settings[0].second = "20";
  second.info.coordinated_omission_corrected = false;
  merge_summaries(first, second);
  EXPECT_EQ(first.info.host, "http://a | http://b");
  EXPECT_EQ(first.info.settings[0].second, "10 | 20");
  EXPECT_FALSE(first.info.coordinated_omission_corrected);
}

std::string error_of(const std::string& json) {
  try {
    parse_json_summary(json, "bad.json");
  } catch (const std::runtime_error& error) {
    return error.what();
  }
  return "no error";
}

TEST(JsonSummaryTest, ADeeplyNestedFileIsAnErrorNotACrash) {
  EXPECT_NE(error_of(std::string(300000, '[')).find("bad.json: invalid JSON at offset 64: JSON nested deeper than 64 levels"),
            std::string::npos);
}

TEST(JsonSummaryTest, SummariesWithoutThresholdsStillRead) {
  RunInfo info = info_of("h");
  info.thresholds.clear();
  info.abort_reason.clear();
  std::string json = to_json(info, run_of({1}));
  json.replace(json.find(",\"thresholds\":[]"), std::string(",\"thresholds\":[]").size(), "");
  json.replace(json.find(",\"abort_reason\":\"\""), std::string(",\"abort_reason\":\"\"").size(), "");
  EXPECT_EQ(parse_json_summary(json, "old.json").info, info);
}

TEST(JsonSummaryTest, MalformedInputNamesTheFileAndField) {
  EXPECT_NE(error_of("{").find("bad.json: invalid JSON"), std::string::npos);
  EXPECT_NE(error_of("{\"format\":\"other\"}").find("'$.format'"), std::string::npos);
  std::string json = to_json(info_of("h"), run_of({1}));
  const std::string count_key = "\"count\":";
  // Corrupt the first endpoint's latency count.
  json.replace(json.find(count_key, json.find("\"endpoints\":[")), count_key.size() + 1, count_key + "9");
  EXPECT_NE(error_of(json).find("'$.endpoints[0].latency_us.count'"), std::string::npos) << error_of(json);
  std::string bad_kind = to_json(info_of("h"), run_of({1}));
  bad_kind.replace(bad_kind.find("\"timeout\""), 9, "\"gremlins\"");
  EXPECT_NE(error_of(bad_kind).find("unknown error kind \"gremlins\""), std::string::npos);
  EXPECT_THROW(read_json_summary("/nonexistent/summary.json"), std::runtime_error);
}

}  // namespace
}  // namespace ragscale::output
