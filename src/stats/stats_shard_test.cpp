#include "stats/stats_shard.h"

#include <gtest/gtest.h>
#include <malloc.h>

namespace ragscale {
namespace {

TEST(StatsShardTest, InternsEndpointsByMethodAndName) {
  StatsShard shard;
  const uint32_t get_items = shard.endpoint_id("GET", "/items");
  const uint32_t post_items = shard.endpoint_id("POST", "/items");
  EXPECT_NE(get_items, post_items);
  EXPECT_EQ(shard.endpoint_id("GET", "/items"), get_items);
  // The separator keeps ("GE", "T/items") distinct from ("GET", "/items").
  EXPECT_NE(shard.endpoint_id("GE", "T/items"), get_items);
  EXPECT_EQ(shard.endpoint_count(), 3u);
}

TEST(StatsShardTest, RecordsSuccessesFailuresAndRateLimits) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/a");
  shard.record_success(id, 1000, 100);
  shard.record_failure(id, 2000, 10, ErrorKind::kHttpStatus, "HTTP 500");
  shard.record_failure(id, 3000, 0, ErrorKind::kHttpStatus, "HTTP 500");
  shard.record_failure(id, 50, 0, ErrorKind::kConnectionRefused, "connection refused");
  shard.record_rate_limited(id, 400, 5, /*counts_as_failure=*/false);
  shard.record_rate_limited(id, 500, 5, /*counts_as_failure=*/true);
  shard.record_iteration();
  shard.record_dropped();
  shard.record_late();
  shard.record_late();
  shard.record_exception("scenario step 2: template variable 'id' is undefined");

  IntervalStats interval = shard.take_interval();
  ASSERT_EQ(interval.endpoints.size(), 1u);
  const IntervalEndpoint& endpoint = interval.endpoints[0];
  EXPECT_EQ(endpoint.method, "GET");
  EXPECT_EQ(endpoint.name, "/a");
  EXPECT_EQ(endpoint.requests, 6u);
  EXPECT_EQ(endpoint.failures, 4u);
  EXPECT_EQ(endpoint.rate_limited, 2u);
  EXPECT_EQ(endpoint.bytes, 120u);
  EXPECT_EQ(endpoint.latency.count(), 6u);
  EXPECT_EQ(endpoint.latency.max(), 3000u);
  ASSERT_EQ(interval.errors.size(), 3u);
  EXPECT_EQ(interval.errors[0].kind, ErrorKind::kHttpStatus);
  EXPECT_EQ(interval.errors[0].message, "HTTP 500");
  EXPECT_EQ(interval.errors[0].count, 2u);
  EXPECT_EQ(interval.errors[1].message, "connection refused");
  EXPECT_EQ(interval.errors[2].kind, ErrorKind::kRateLimited);
  EXPECT_EQ(interval.errors[2].count, 1u);
  EXPECT_EQ(interval.iterations, 1u);
  EXPECT_EQ(interval.dropped, 1u);
  EXPECT_EQ(interval.late, 2u);
  ASSERT_EQ(interval.exceptions.size(), 1u);
  EXPECT_EQ(interval.exceptions[0].count, 1u);
}

TEST(StatsShardTest, TakeIntervalStartsTheShardEmpty) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/a");
  shard.record_failure(id, 10, 0, ErrorKind::kTimeout, "timeout");
  shard.record_iteration();
  (void)shard.take_interval();
  IntervalStats second = shard.take_interval();
  ASSERT_EQ(second.endpoints.size(), 1u);
  EXPECT_EQ(second.endpoints[0].requests, 0u);
  EXPECT_TRUE(second.endpoints[0].latency.empty());
  EXPECT_TRUE(second.errors.empty());
  EXPECT_EQ(second.iterations, 0u);
  shard.record_failure(id, 10, 0, ErrorKind::kTimeout, "timeout");
  IntervalStats third = shard.take_interval();
  ASSERT_EQ(third.errors.size(), 1u);
  EXPECT_EQ(third.errors[0].count, 1u);
}

TEST(StatsShardTest, SteadyStateRecordingDoesNotAllocate) {
  StatsShard shard;
  const uint32_t a = shard.endpoint_id("GET", "/a");
  const uint32_t b = shard.endpoint_id("POST", "/b");
  auto record_some = [&] {
    for (uint64_t i = 0; i < 1000; ++i) {
      shard.record_success(a, 500 + i, 100);
      shard.record_failure(b, 900 + i, 0, ErrorKind::kHttpStatus, i % 2 ? "HTTP 500" : "HTTP 503");
      shard.record_rate_limited(b, 700, 0, true);
    }
  };
  record_some();
  (void)shard.take_interval();  // the next interval gets the same blocks pre-allocated
  const size_t before = mallinfo2().uordblks;
  record_some();
  EXPECT_EQ(mallinfo2().uordblks, before);
  EXPECT_EQ(shard.take_interval().endpoints[1].requests, 2000u);
}

}  // namespace
}  // namespace ragscale
