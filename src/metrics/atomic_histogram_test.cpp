#include "metrics/atomic_histogram.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "metrics/prometheus_text.h"
#include "metrics/scrape_series.h"

namespace ragscale::metrics {
namespace {

constexpr std::array<double, 3> kBounds = {0.01, 0.1, 1};

TEST(AtomicHistogramTest, RendersCumulativeBucketsSumAndCount) {
  AtomicHistogram histogram(kBounds);
  histogram.observe(0.005);
  histogram.observe(0.01);  // a bound is inclusive (le)
  histogram.observe(0.5);
  histogram.observe(3);
  std::string text;
  histogram.render(text, "wait_seconds");
  EXPECT_EQ(text,
            "wait_seconds_bucket{le=\"0.01\"} 2\n"
            "wait_seconds_bucket{le=\"0.1\"} 2\n"
            "wait_seconds_bucket{le=\"1\"} 3\n"
            "wait_seconds_bucket{le=\"+Inf\"} 4\n"
            "wait_seconds_sum 3.515\n"
            "wait_seconds_count 4\n");
}

TEST(AtomicHistogramTest, CarriesLabelsOnEverySample) {
  AtomicHistogram histogram(kBounds);
  histogram.observe(0.05);
  std::string text = "# TYPE d histogram\n";
  histogram.render(text, "d", "route=\"/q\"");
  EXPECT_NE(text.find("d_bucket{route=\"/q\",le=\"0.1\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("d_count{route=\"/q\"} 1\n"), std::string::npos) << text;
  const Exposition exposition = parse_prometheus_text(text);
  EXPECT_TRUE(exposition.problems.empty());
  EXPECT_EQ(exposition.samples.size(), 6u);
}

TEST(AtomicHistogramTest, CountsEveryObservationFromManyThreads) {
  AtomicHistogram histogram;  // serve's latency buckets
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10000; ++i) histogram.observe(0.002);
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(histogram.count(), 40000u);
  EXPECT_NEAR(histogram.sum(), 80.0, 1e-6);
  // Scraped twice, the histogram gives its percentiles as ragscale load --scrape records them.
  const AtomicHistogram empty;
  std::string before = "# TYPE w histogram\n";
  empty.render(before, "w");
  std::string text = "# TYPE w histogram\n";
  histogram.render(text, "w");
  ScrapeSeries series;
  series.add_scrape(0, parse_prometheus_text(before));
  series.add_scrape(1, parse_prometheus_text(text));
  const auto& p95 = series.series().at("w:p95");
  ASSERT_EQ(p95.size(), 1u);
  EXPECT_GT(p95[0].value, 0.001);
  EXPECT_LE(p95[0].value, 0.0025);
}

}  // namespace
}  // namespace ragscale::metrics
