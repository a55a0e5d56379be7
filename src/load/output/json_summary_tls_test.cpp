// The TLS counters of an https run in the JSON summary: written, read back, merged, and
// absent (zero) in summaries from before HTTPS support.
#include <gtest/gtest.h>

#include <sstream>

#include "load/output/json_summary.h"
#include "stats/stats_shard.h"

namespace ragscale::output {
namespace {

RunStats https_run(uint64_t handshakes, uint64_t resumed) {
  StatsShard shard;
  shard.record_success(shard.endpoint_id("GET", "/"), 250, 2);
  IntervalStats interval = shard.take_interval();
  interval.tls_handshakes = handshakes;
  interval.tls_resumed = resumed;
  RunStats run;
  run.begin(1'700'000'000.0);
  run.add(std::move(interval));
  run.close_second(1'700'000'001.0, 1);
  run.finish(1'700'000'001.0);
  return run;
}

std::string to_json(const RunStats& stats) {
  std::ostringstream out;
  write_json_summary(out, RunInfo{}, stats);
  return out.str();
}

TEST(JsonSummaryTls, CountersRoundTripAndMerge) {
  RunSummary first = parse_json_summary(to_json(https_run(10, 7)), "first.json");
  EXPECT_EQ(first.stats.tls_handshakes(), 10u);
  EXPECT_EQ(first.stats.tls_resumed(), 7u);
  merge_summaries(first, parse_json_summary(to_json(https_run(5, 4)), "second.json"));
  EXPECT_EQ(first.stats.tls_handshakes(), 15u);
  EXPECT_EQ(first.stats.tls_resumed(), 11u);
}

TEST(JsonSummaryTls, SummariesWithoutTlsCountersReadAsZero) {
  std::string json = to_json(https_run(3, 1));
  const std::string counters = ",\"tls_handshakes\":3,\"tls_resumed\":1";
  size_t at = json.find(counters);
  ASSERT_NE(at, std::string::npos) << json;
  json.erase(at, counters.size());
  RunSummary old = parse_json_summary(json, "old.json");
  EXPECT_EQ(old.stats.tls_handshakes(), 0u);
  EXPECT_EQ(old.stats.tls_resumed(), 0u);
}

}  // namespace
}  // namespace ragscale::output
