#include "serve/api/service_metrics.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

TEST(ServiceMetricsTest, RendersCountersHistogramsAndGauges) {
  ServiceMetrics metrics;
  metrics.record("/query", 200, 0.0008);
  metrics.record("/query", 200, 0.3);
  metrics.record("/query", 400, 0.0001);
  ServiceGauges gauges;
  gauges.cache_hits = 7;
  gauges.index_chunks = 42;
  auto text = metrics.render(gauges);
  EXPECT_NE(text.find("ragscale_requests_total{route=\"/query\",status=\"200\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ragscale_requests_total{route=\"/query\",status=\"400\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ragscale_request_duration_seconds_bucket{route=\"/query\",le=\"0.001\"} 2\n"),
            std::string::npos);
  EXPECT_NE(text.find("ragscale_request_duration_seconds_bucket{route=\"/query\",le=\"+Inf\"} 3\n"),
            std::string::npos);
  EXPECT_NE(text.find("ragscale_cache_hits_total 7\n"), std::string::npos);
  EXPECT_NE(text.find("ragscale_index_chunks 42\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE ragscale_request_duration_seconds histogram"), std::string::npos);
  EXPECT_GT(process_resident_bytes(), 0u);
}

TEST(ServiceMetricsTest, RendersTheWorkerPoolBackendsAndTheProcess) {
  ServiceMetrics metrics;
  metrics::AtomicHistogram queue_wait;
  queue_wait.observe(0.003);
  ServiceGauges gauges;
  gauges.worker_threads = 4;
  gauges.worker_threads_busy = 3;
  gauges.worker_queue_wait = &queue_wait;
  gauges.backends_in_flight = {{"llm", 5}, {"embedder", 1}};
  const auto text = metrics.render(gauges);
  EXPECT_NE(text.find("ragscale_worker_threads 4\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ragscale_worker_threads_busy 3\n"), std::string::npos);
  EXPECT_NE(text.find("# TYPE ragscale_worker_queue_wait_seconds histogram\n"), std::string::npos);
  EXPECT_NE(text.find("ragscale_worker_queue_wait_seconds_bucket{le=\"0.005\"} 1\n"), std::string::npos);
  EXPECT_NE(text.find("ragscale_worker_queue_wait_seconds_count 1\n"), std::string::npos);
  EXPECT_NE(text.find("ragscale_backend_in_flight{backend=\"llm\"} 5\n"), std::string::npos);
  EXPECT_NE(text.find("ragscale_backend_in_flight{backend=\"embedder\"} 1\n"), std::string::npos);
  for (const char* name : {"process_cpu_seconds_total", "process_resident_memory_bytes", "process_open_fds",
                           "process_max_fds", "process_start_time_seconds", "process_threads",
                           "ragscale_cpu_cores_available"}) {
    EXPECT_NE(text.find(std::string("\n") + name + " "), std::string::npos) << name;
  }
  // Exactly one of each: serve no longer writes its own resident-memory line.
  EXPECT_EQ(text.find("\nprocess_resident_memory_bytes "), text.rfind("\nprocess_resident_memory_bytes "));
}

TEST(ServiceMetricsTest, CountsRateLimitedRequestsByRoute) {
  ServiceMetrics metrics;
  metrics.rate_limited("/query");
  metrics.rate_limited("/query");
  metrics.rate_limited("/api/v1/search");
  EXPECT_EQ(metrics.rate_limited_total("/query"), 2u);
  EXPECT_EQ(metrics.rate_limited_total("/documents"), 0u);
  auto text = metrics.render({});
  EXPECT_NE(text.find("# TYPE ragscale_rate_limited_total counter\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ragscale_rate_limited_total{route=\"/query\"} 2\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ragscale_rate_limited_total{route=\"/api/v1/search\"} 1\n"), std::string::npos) << text;
}

}  // namespace
}  // namespace ragscale::serve
