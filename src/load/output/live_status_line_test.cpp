#include "load/output/live_status_line.h"

#include <gtest/gtest.h>

#include "stats/stats_shard.h"

namespace ragscale::output {
namespace {

TEST(LiveStatusLineTest, ShowsProgressWindowFiguresAndErrors) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/");
  RunStats run;
  for (int second = 1; second <= 2; ++second) {
    for (int i = 0; i < 99; ++i) shard.record_success(id, 1530, 0);
    shard.record_failure(id, 20149, 0, ErrorKind::kHttpStatus, "HTTP 500");
    run.add(shard.take_interval());
    run.close_second(double(second), 50);
  }
  EXPECT_EQ(format_live_status(run, {.elapsed_seconds = 15, .users = 50, .planned_duration_seconds = 60, .bar_width = 10}),
            "[##........]  25% 00:15/01:00 | users 50 | 100.0 req/s | p50 1.53 ms p95 1.53 ms p99 1.53 ms"
            " | errors 1.00%");
  EXPECT_EQ(format_live_status(run, {.elapsed_seconds = 75, .users = 1, .planned_duration_seconds = std::nullopt}),
            "01:15 | users 1 | 100.0 req/s | p50 1.53 ms p95 1.53 ms p99 1.53 ms | errors 1.00%");
  // Past the planned duration the bar stays full.
  EXPECT_EQ(format_live_status(run, {.elapsed_seconds = 70, .users = 1, .planned_duration_seconds = 60, .bar_width = 4})
                .substr(0, 11),
            "[####] 100%");
}

TEST(LiveStatusLineTest, EmptyWindowShowsDashes) {
  EXPECT_EQ(format_live_status(RunStats(), {.elapsed_seconds = 0, .users = 0, .planned_duration_seconds = std::nullopt}),
            "00:00 | users 0 | 0.0 req/s | p50 - p95 - p99 - | errors 0.00%");
}

TEST(LiveStatusLineTest, ClockFormats) {
  EXPECT_EQ(format_clock(0), "00:00");
  EXPECT_EQ(format_clock(59.9), "00:59");
  EXPECT_EQ(format_clock(3725), "01:02:05");
  EXPECT_EQ(format_clock(-3), "00:00");
}

}  // namespace
}  // namespace ragscale::output
