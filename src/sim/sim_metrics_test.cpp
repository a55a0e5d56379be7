#include "sim/sim_metrics.h"

#include <gtest/gtest.h>

namespace ragscale::sim {
namespace {

bool has_line(const std::string& text, const std::string& line) {
  return text.find("\n" + line + "\n") != std::string::npos || text.rfind(line + "\n", 0) == 0;
}

TEST(SimMetrics, RendersCountersLabelsAndGauges) {
  SimMetrics metrics;
  metrics.count_request("chat", 200);
  metrics.count_request("chat", 200);
  metrics.count_request("chat", 429);
  metrics.add_completion_tokens(42);
  metrics.count_rate_limited("requests");
  metrics.count_fault("error");
  SimGauges gauges;
  gauges.queue_depth = 3;
  gauges.active_streams = 7;
  std::string text = metrics.render(gauges);
  EXPECT_TRUE(has_line(text, "ragscale_sim_requests_total{endpoint=\"chat\",status=\"200\"} 2")) << text;
  EXPECT_TRUE(has_line(text, "ragscale_sim_requests_total{endpoint=\"chat\",status=\"429\"} 1"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_completion_tokens_total 42"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_rate_limited_total{limit=\"requests\"} 1"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_faults_injected_total{kind=\"error\"} 1"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_queue_depth 3"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_active_streams 7"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_generation_slots 0"));
  EXPECT_TRUE(has_line(text, "# TYPE process_cpu_seconds_total counter"));
  EXPECT_TRUE(has_line(text, "# TYPE ragscale_cpu_cores_available gauge"));
  EXPECT_TRUE(has_line(text, "# TYPE ragscale_sim_requests_total counter"));
  EXPECT_EQ(metrics.requests(), 3u);
}

TEST(SimMetrics, HistogramBucketsAreCumulative) {
  SimMetrics metrics;
  metrics.observe_time_to_first_token(0.3);
  metrics.observe_time_to_first_token(0.003);
  std::string text = metrics.render({});
  EXPECT_TRUE(has_line(text, "ragscale_sim_time_to_first_token_seconds_bucket{le=\"0.005\"} 1")) << text;
  EXPECT_TRUE(has_line(text, "ragscale_sim_time_to_first_token_seconds_bucket{le=\"0.25\"} 1"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_time_to_first_token_seconds_bucket{le=\"0.5\"} 2"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_time_to_first_token_seconds_bucket{le=\"+Inf\"} 2"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_time_to_first_token_seconds_count 2"));
  EXPECT_TRUE(has_line(text, "ragscale_sim_time_to_first_token_seconds_sum 0.303"));
}

}  // namespace
}  // namespace ragscale::sim
