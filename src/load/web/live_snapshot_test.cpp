#include "load/web/live_snapshot.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include "stats/stats_shard.h"

namespace ragscale::load {
namespace {

rapidjson::Document parse(const std::string& json) {
  rapidjson::Document document;
  document.Parse(json.c_str());
  EXPECT_FALSE(document.HasParseError()) << json;
  return document;
}

// `seconds` closed seconds of two endpoints; the second's first request arrives in second 2.
RunStats run_of(int seconds) {
  StatsShard shard;
  const uint32_t home = shard.endpoint_id("GET", "/");
  const uint32_t query = shard.endpoint_id("POST", "/query");
  RunStats run;
  run.begin(1000.0);
  for (int second = 1; second <= seconds; ++second) {
    for (int i = 0; i < 10; ++i) shard.record_success(home, 2000 + uint64_t(i) * 100, 10);
    if (second >= 2) {
      shard.record_retry(query);
      shard.record_failure(query, 9000, 0, ErrorKind::kHttpStatus, "HTTP 503");
    }
    run.add(shard.take_interval());
    run.close_second(1000.0 + second, 4);
  }
  return run;
}

TEST(LiveSnapshotTest, SeriesPointsFollowTheHistoryAndACursor) {
  LiveSnapshot snapshot("http://target", "4 users", 60.0);
  RunStats run = run_of(3);
  snapshot.update(run, 4, 3.0);
  rapidjson::Document all = parse(snapshot.json_since(0));
  EXPECT_STREQ(all["state"].GetString(), "running");
  EXPECT_STREQ(all["host"].GetString(), "http://target");
  EXPECT_EQ(all["planned_s"].GetDouble(), 60.0);
  EXPECT_EQ(all["users"].GetUint64(), 4u);
  EXPECT_EQ(all["first"].GetUint64(), 0u);
  EXPECT_EQ(all["next"].GetUint64(), 3u);
  ASSERT_EQ(all["series"].Size(), 3u);
  const rapidjson::Value& last = all["series"][2];
  EXPECT_EQ(last["t"].GetDouble(), 3.0);
  EXPECT_EQ(last["users"].GetInt(), 4);
  EXPECT_EQ(last["rps"].GetDouble(), 11.0);  // that second's requests
  EXPECT_EQ(last["fps"].GetDouble(), 1.0);
  EXPECT_GT(last["p99_ms"].GetDouble(), last["p50_ms"].GetDouble());
  EXPECT_GE(last["p50_ms"].GetDouble(), 2.0);

  // Only what came after the cursor; a cursor past the end gives nothing, not an error.
  EXPECT_EQ(parse(snapshot.json_since(2))["series"].Size(), 1u);
  EXPECT_EQ(parse(snapshot.json_since(99))["series"].Size(), 0u);
  EXPECT_EQ(parse(snapshot.json_since(99))["next"].GetUint64(), 3u);

  // Two more seconds: the next update adds just those.
  StatsShard idle;
  run.add(idle.take_interval());
  run.close_second(1004.0, 4);
  snapshot.update(run, 4, 4.0);
  EXPECT_EQ(parse(snapshot.json_since(3))["series"].Size(), 1u);
  EXPECT_EQ(parse(snapshot.json_since(0))["next"].GetUint64(), 4u);
}

TEST(LiveSnapshotTest, AnEmptyWindowHasNullPercentiles) {
  LiveSnapshot snapshot("h", "", std::nullopt);
  RunStats run;
  run.begin(1000.0);
  run.close_second(1001.0, 0);
  snapshot.update(run, 0, 1.0);
  rapidjson::Document document = parse(snapshot.json_since(0));
  EXPECT_TRUE(document["planned_s"].IsNull());
  EXPECT_TRUE(document["series"][0]["p50_ms"].IsNull());
  EXPECT_TRUE(document["series"][0]["p99_ms"].IsNull());
  ASSERT_EQ(document["table"].Size(), 1u);  // the aggregate alone
  EXPECT_TRUE(document["table"][0]["aggregate"].GetBool());
}

TEST(LiveSnapshotTest, SecondsWithStreamedAnswersCarryTheirFigures) {
  StatsShard shard;
  const uint32_t chat = shard.endpoint_id("POST", "/v1/chat/completions");
  RunStats run;
  run.begin(1000.0);
  // Second 1: two streams of 20 tokens, TTFT 300 and 500 ms, gaps of 20 ms. Second 2: none.
  for (uint64_t ttft_ms : {300, 500}) {
    for (int gap = 0; gap < 19; ++gap) shard.record_token_gap(chat, 20'000);
    shard.record_stream(chat, ttft_ms * 1000, 20'000, ttft_ms * 1000 + 19 * 20'000, 20);
    shard.record_success(chat, ttft_ms * 1000 + 19 * 20'000, 100);
  }
  run.add(shard.take_interval());
  run.close_second(1001.0, 2);
  run.add(shard.take_interval());
  run.close_second(1002.0, 2);

  LiveSnapshot snapshot("h", "", std::nullopt);
  snapshot.update(run, 2, 2.0);
  rapidjson::Document document = parse(snapshot.json_since(0));
  const rapidjson::Value& streamed = document["series"][0];
  EXPECT_NEAR(streamed["ttft_p50_ms"].GetDouble(), 300.0, 3.0);
  EXPECT_NEAR(streamed["ttft_p95_ms"].GetDouble(), 500.0, 5.0);
  EXPECT_NEAR(streamed["itl_p50_ms"].GetDouble(), 20.0, 0.2);
  EXPECT_NEAR(streamed["itl_p99_ms"].GetDouble(), 20.0, 0.2);
  EXPECT_EQ(streamed["tokens_per_s"].GetUint64(), 40u);
  // A second without streams says nothing about them (the page leaves a gap).
  EXPECT_FALSE(document["series"][1].HasMember("ttft_p50_ms"));
  EXPECT_FALSE(document["series"][1].HasMember("tokens_per_s"));
}

TEST(LiveSnapshotTest, TableHasEveryNameThenTheAggregate) {
  LiveSnapshot snapshot("h", "", std::nullopt);
  snapshot.update(run_of(3), 4, 3.0);
  rapidjson::Document document = parse(snapshot.json_since(0));
  const rapidjson::Value& table = document["table"];
  ASSERT_EQ(table.Size(), 3u);
  EXPECT_STREQ(table[0]["name"].GetString(), "/");
  EXPECT_STREQ(table[1]["name"].GetString(), "/query");
  EXPECT_STREQ(table[1]["method"].GetString(), "POST");
  EXPECT_EQ(table[1]["requests"].GetUint64(), 2u);
  EXPECT_EQ(table[1]["failures"].GetUint64(), 2u);
  EXPECT_EQ(table[1]["retries"].GetUint64(), 2u);
  EXPECT_EQ(table[1]["median_us"].GetUint64(), table[1]["p99_us"].GetUint64());
  EXPECT_FALSE(table[1].HasMember("aggregate"));
  EXPECT_STREQ(table[2]["name"].GetString(), "Aggregated");
  EXPECT_EQ(table[2]["requests"].GetUint64(), 32u);
  EXPECT_GT(table[2]["avg_us"].GetDouble(), 2000.0);
  EXPECT_GT(table[2]["rps"].GetDouble(), 10.0);  // the last 10 s: 32 requests in 3 s
}

TEST(LiveSnapshotTest, StatesAndAnswersBoundedInPoints) {
  LiveSnapshot snapshot("h", "", std::nullopt);
  RunStats run;
  run.begin(0.0);
  const size_t rows = LiveSnapshot::kMaxPointsPerAnswer + 5;
  for (size_t i = 1; i <= rows; ++i) run.close_second(double(i), 1);
  snapshot.update(run, 1, double(rows));
  rapidjson::Document first = parse(snapshot.json_since(0));
  EXPECT_EQ(first["series"].Size(), LiveSnapshot::kMaxPointsPerAnswer);
  EXPECT_EQ(first["next"].GetUint64(), LiveSnapshot::kMaxPointsPerAnswer);
  EXPECT_EQ(parse(snapshot.json_since(first["next"].GetUint64()))["series"].Size(), 5u);
  snapshot.set_state("stopping");
  EXPECT_STREQ(parse(snapshot.json_since(0))["state"].GetString(), "stopping");
  snapshot.set_state("finished");
  EXPECT_STREQ(parse(snapshot.json_since(0))["state"].GetString(), "finished");
}

}  // namespace
}  // namespace ragscale::load
