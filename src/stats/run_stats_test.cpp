#include "stats/run_stats.h"

#include <gtest/gtest.h>

#include "stats/stats_shard.h"

namespace ragscale {
namespace {

TEST(RunStatsTest, MatchesEndpointsAcrossShardsAndSumsTheAggregate) {
  StatsShard first, second;
  // Different interning order in each shard: matching must go by (method, name), not by id.
  const uint32_t first_get = first.endpoint_id("GET", "/a");
  const uint32_t first_post = first.endpoint_id("POST", "/b");
  const uint32_t second_post = second.endpoint_id("POST", "/b");
  const uint32_t second_get = second.endpoint_id("GET", "/a");
  first.record_success(first_get, 1000, 10);
  first.record_failure(first_post, 2000, 20, ErrorKind::kHttpStatus, "HTTP 500");
  second.record_success(second_get, 3000, 30);
  second.record_failure(second_post, 4000, 40, ErrorKind::kHttpStatus, "HTTP 500");
  second.record_rate_limited(second_post, 100, 0, false);
  second.record_iteration();

  RunStats run;
  run.add(first.take_interval());
  run.add(second.take_interval());

  ASSERT_EQ(run.endpoints().size(), 2u);
  const EndpointStats* get = run.find("GET", "/a");
  const EndpointStats* post = run.find("POST", "/b");
  ASSERT_NE(get, nullptr);
  ASSERT_NE(post, nullptr);
  EXPECT_EQ(run.find("GET", "/b"), nullptr);
  EXPECT_EQ(get->requests(), 2u);
  EXPECT_EQ(get->latency().max(), 3000u);
  EXPECT_EQ(post->requests(), 3u);
  EXPECT_EQ(post->failures(), 2u);
  EXPECT_EQ(post->rate_limited(), 1u);
  EXPECT_EQ(post->bytes(), 60u);
  EXPECT_EQ(run.aggregate().name(), "Aggregated");
  EXPECT_EQ(run.aggregate().method(), "");
  EXPECT_EQ(run.aggregate().requests(), 5u);
  EXPECT_EQ(run.aggregate().failures(), 2u);
  EXPECT_EQ(run.aggregate().latency().count(), 5u);
  EXPECT_EQ(run.iterations(), 1u);
  ASSERT_EQ(run.errors().size(), 1u);
  EXPECT_EQ(run.errors()[0], (ErrorRecord{"POST", "/b", ErrorKind::kHttpStatus, "HTTP 500", 2}));
}

TEST(RunStatsTest, WindowCoversTheLastTenClosedSeconds) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/");
  RunStats run;
  run.begin(1000.0);
  // Seconds 1..12: second s has s requests of latency s ms; second 3 has one failure.
  for (int second = 1; second <= 12; ++second) {
    for (int i = 0; i < second; ++i) shard.record_success(id, uint64_t(second) * 1000, 0);
    if (second == 3) shard.record_failure(id, 50, 0, ErrorKind::kTimeout, "timeout");
    run.add(shard.take_interval());
    run.close_second(1000.0 + second, second * 10);
  }
  const EndpointStats& endpoint = *run.find("GET", "/");
  // Window = seconds 3..12: 3+4+...+12 = 75 requests plus the failure.
  EXPECT_EQ(endpoint.window_requests(), 76u);
  EXPECT_DOUBLE_EQ(endpoint.current_rps(), 7.6);
  EXPECT_DOUBLE_EQ(endpoint.current_fps(), 0.1);
  EXPECT_EQ(endpoint.window_latency().min(), 50u);
  EXPECT_EQ(endpoint.window_latency().max(), 12000u);
  EXPECT_EQ(endpoint.latency().min(), 50u);
  EXPECT_EQ(endpoint.requests(), 79u);

  ASSERT_EQ(run.history().size(), 12u);
  const HistoryRow& last = run.history().back();
  EXPECT_EQ(last.unix_time, 1012.0);
  EXPECT_EQ(last.user_count, 120);
  EXPECT_EQ(run.peak_user_count(), 120);
  ASSERT_EQ(last.endpoints.size(), 1u);
  EXPECT_EQ(last.endpoints[0].requests, 12u);
  EXPECT_EQ(last.aggregate.requests, 12u);
  EXPECT_DOUBLE_EQ(last.aggregate.current_rps, 7.6);
  EXPECT_EQ(last.aggregate.window_percentile_us(100), 12000u);
  EXPECT_EQ(last.aggregate.total_requests, 79u);
  EXPECT_EQ(last.aggregate.total_median_us, endpoint.latency().percentile(50));
  // Early rows average over the seconds closed so far.
  EXPECT_DOUBLE_EQ(run.history()[1].aggregate.current_rps, 1.5);
  EXPECT_EQ(run.history()[0].aggregate.window_percentile_us(50), 1000u);
  EXPECT_THROW(last.aggregate.window_percentile_us(42), std::invalid_argument);
}

TEST(RunStatsTest, RatesOverTheRunUseBeginAndFinish) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/");
  for (int i = 0; i < 100; ++i) shard.record_success(id, 100, 0);
  shard.record_failure(id, 100, 0, ErrorKind::kOther, "boom");
  RunStats run;
  run.add(shard.take_interval());
  EXPECT_EQ(run.requests_per_second(run.aggregate()), 0.0);  // no duration yet
  run.begin(100.0);
  run.finish(104.0);
  EXPECT_DOUBLE_EQ(run.duration_seconds(), 4.0);
  EXPECT_DOUBLE_EQ(run.requests_per_second(run.aggregate()), 101.0 / 4.0);
  EXPECT_DOUBLE_EQ(run.failures_per_second(*run.find("GET", "/")), 0.25);
}

TEST(RunStatsTest, DurationDefaultsToTheClosedSeconds) {
  RunStats run;
  run.close_second(50.0, 1);
  run.close_second(51.0, 1);
  run.close_second(52.0, 1);
  EXPECT_DOUBLE_EQ(run.start_time(), 49.0);
  EXPECT_DOUBLE_EQ(run.end_time(), 52.0);
  EXPECT_DOUBLE_EQ(run.duration_seconds(), 3.0);
}

// One second of synthetic traffic from generator `seed` (1 or 2).
void record_second(StatsShard& shard, int seed, int second) {
  const uint32_t common = shard.endpoint_id("GET", "/common");
  const uint32_t own = shard.endpoint_id("POST", seed == 1 ? "/only-one" : "/only-two");
  for (int i = 0; i < 20 * seed; ++i) shard.record_success(common, uint64_t(100 * seed + i * 37 + second), 64);
  shard.record_failure(own, 5000 + uint64_t(seed), 0, ErrorKind::kHttpStatus, "HTTP 503");
  shard.record_failure(common, 9000, 0, ErrorKind::kConnectionReset, "connection reset");
  shard.record_iteration();
  if (seed == 2) shard.record_late();
  shard.record_exception("scenario error");
}

void feed(RunStats& run, int seed, double start) {
  StatsShard shard;
  run.begin(start);
  for (int second = 1; second <= 5; ++second) {
    record_second(shard, seed, second);
    run.add(shard.take_interval());
    run.close_second(start + second, 5 * seed);
  }
  run.finish(start + 5);
}

TEST(RunStatsTest, MergingTwoRunsEqualsOneRunWithBothData) {
  RunStats one, two;
  feed(one, 1, 1000.0);
  feed(two, 2, 1000.0);

  RunStats both;
  StatsShard shard_of_one, shard_of_two;
  both.begin(1000.0);
  for (int second = 1; second <= 5; ++second) {
    record_second(shard_of_one, 1, second);
    record_second(shard_of_two, 2, second);
    both.add(shard_of_one.take_interval());
    both.add(shard_of_two.take_interval());
    both.close_second(1000.0 + second, 15);
  }
  both.finish(1005.0);

  one.merge(two);
  EXPECT_EQ(one.endpoints().size(), both.endpoints().size());
  for (const EndpointStats& expected : both.endpoints()) {
    const EndpointStats* merged = one.find(expected.method(), expected.name());
    ASSERT_NE(merged, nullptr) << expected.name();
    EXPECT_EQ(merged->requests(), expected.requests());
    EXPECT_EQ(merged->failures(), expected.failures());
    EXPECT_EQ(merged->bytes(), expected.bytes());
    EXPECT_EQ(merged->latency(), expected.latency());
  }
  EXPECT_EQ(one.aggregate().latency(), both.aggregate().latency());
  EXPECT_EQ(one.aggregate().requests(), both.aggregate().requests());
  EXPECT_EQ(one.iterations(), both.iterations());
  EXPECT_EQ(one.late(), both.late());
  EXPECT_EQ(one.exceptions(), both.exceptions());
  ASSERT_EQ(one.errors().size(), both.errors().size());
  for (const ErrorRecord& expected : both.errors()) {
    EXPECT_NE(std::find(one.errors().begin(), one.errors().end(), expected), one.errors().end()) << expected.message;
  }
  EXPECT_DOUBLE_EQ(one.duration_seconds(), both.duration_seconds());
  EXPECT_EQ(one.peak_user_count(), 15);
  ASSERT_EQ(one.history().size(), both.history().size());
  for (size_t i = 0; i < both.history().size(); ++i) {
    const HistoryRow& merged = one.history()[i];
    const HistoryRow& expected = both.history()[i];
    EXPECT_EQ(merged.unix_time, expected.unix_time);
    EXPECT_EQ(merged.user_count, expected.user_count);
    EXPECT_EQ(merged.aggregate.requests, expected.aggregate.requests);
    EXPECT_EQ(merged.aggregate.failures, expected.aggregate.failures);
    EXPECT_DOUBLE_EQ(merged.aggregate.current_rps, expected.aggregate.current_rps);
    EXPECT_EQ(merged.aggregate.total_requests, expected.aggregate.total_requests);
    EXPECT_EQ(merged.aggregate.total_max_us, expected.aggregate.total_max_us);
    EXPECT_EQ(merged.aggregate.window_percentile_us(100), expected.aggregate.window_percentile_us(100));
    // The merged window percentiles are an upper bound of the exact ones.
    EXPECT_GE(merged.aggregate.window_percentile_us(50), expected.aggregate.window_percentile_us(50));
  }
  EXPECT_THROW(one.merge(one), std::invalid_argument);
}

TEST(RunStatsTest, RestoringHistoryRowsKeepsTimeOrder) {
  RunStats run;
  const size_t index = run.restore_endpoint("GET", "/", 3, 1, 0, 30, LatencyHistogram());
  HistoryRow later;
  later.unix_time = 20.0;
  later.user_count = 2;
  later.endpoints.resize(index + 1);
  HistoryRow earlier = later;
  earlier.unix_time = 10.0;
  run.restore_history_row(later);
  run.restore_history_row(earlier);
  ASSERT_EQ(run.history().size(), 2u);
  EXPECT_EQ(run.history()[0].unix_time, 10.0);
  HistoryRow bad = later;
  bad.endpoints.resize(5);
  EXPECT_THROW(run.restore_history_row(bad), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale
