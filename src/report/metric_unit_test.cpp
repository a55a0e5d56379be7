#include "report/metric_unit.h"

#include <gtest/gtest.h>

namespace ragscale::report {
namespace {

TEST(MetricUnit, FollowsPrometheusNamingConventions) {
  EXPECT_EQ(unit_of("process_cpu_seconds_total").unit, "CPU cores");
  EXPECT_EQ(unit_of("ragscale_load_cpu_cores").unit, "CPU cores");
  EXPECT_EQ(unit_of("process_resident_memory_bytes").unit, "MiB");
  EXPECT_DOUBLE_EQ(unit_of("process_resident_memory_bytes").scale * 16 * 1024 * 1024, 16);
  EXPECT_EQ(unit_of("ragscale_request_duration_seconds:p95").unit, "ms");
  EXPECT_DOUBLE_EQ(unit_of("ragscale_request_duration_seconds:p95").scale, 1000);
  EXPECT_EQ(unit_of("ragscale_load_loop_lag_seconds").unit, "ms");
  EXPECT_EQ(unit_of("ragscale_request_duration_seconds:rate").unit, "/s");
  EXPECT_EQ(unit_of("ragscale_cache_hits_total").unit, "/s");
  EXPECT_EQ(unit_of("ragscale_in_flight_requests").unit, "");
  EXPECT_DOUBLE_EQ(unit_of("ragscale_in_flight_requests").scale, 1);
}

TEST(MetricUnit, PercentilesAreHistogramQuantilesAndSummaryQuantiles) {
  EXPECT_TRUE(is_percentile("ragscale_request_duration_seconds:p95{route=\"/query\"}"));
  EXPECT_TRUE(is_percentile("ragscale_sim_queue_wait_seconds:p50"));
  EXPECT_TRUE(is_percentile("rpc_duration_seconds{quantile=\"0.99\"}"));
  EXPECT_FALSE(is_percentile("ragscale_request_duration_seconds:rate{route=\"/query\"}"));
  EXPECT_FALSE(is_percentile("ragscale_requests_total{route=\"/p95\",status=\"200\"}"));
  EXPECT_FALSE(is_percentile("ragscale_in_flight_requests"));
}

}  // namespace
}  // namespace ragscale::report
