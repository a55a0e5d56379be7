#include "metrics/scrape_series.h"

#include <gtest/gtest.h>

#include <limits>
#include <string>

namespace ragscale::metrics {
namespace {

std::string scrape_text(double requests, double in_flight, double fast, double slow, double count) {
  return "# TYPE req_total counter\nreq_total{route=\"/q\"} " + std::to_string(requests) +
         "\n# TYPE in_flight gauge\nin_flight " + std::to_string(in_flight) +
         "\nprocess_cpu_seconds_total 1\n# TYPE lat histogram\nlat_bucket{le=\"0.1\"} " + std::to_string(fast) +
         "\nlat_bucket{le=\"1\"} " + std::to_string(slow) + "\nlat_bucket{le=\"+Inf\"} " + std::to_string(count) +
         "\nlat_count " + std::to_string(count) + "\nlat_sum 0\n";
}

TEST(ScrapeSeriesTest, GaugesAsTheyAreCountersAsRatesHistogramsAsIntervalPercentiles) {
  ScrapeSeries series;
  series.add_scrape(0, parse_prometheus_text(scrape_text(100, 3, 0, 0, 0)));
  series.add_scrape(1, parse_prometheus_text(scrape_text(150, 5, 90, 100, 100)));
  series.add_scrape(3, parse_prometheus_text(scrape_text(250, 4, 90, 100, 200)));
  const auto& all = series.series();
  ASSERT_TRUE(all.count("in_flight"));
  EXPECT_EQ(all.at("in_flight").size(), 3u);
  EXPECT_EQ(all.at("in_flight")[1].value, 5);
  const auto& rate = all.at("req_total{route=\"/q\"}");
  ASSERT_EQ(rate.size(), 2u);  // no rate from the first scrape
  EXPECT_DOUBLE_EQ(rate[0].value, 50);
  EXPECT_DOUBLE_EQ(rate[1].value, 50);  // 100 more over 2 s
  EXPECT_TRUE(all.count("process_cpu_seconds_total"));  // untyped _total: a counter (0/s)
  EXPECT_EQ(all.at("process_cpu_seconds_total")[0].value, 0);
  // Interval 0-1: 90 under 0.1 s, 10 in (0.1, 1]: the median interpolates in the first bucket.
  const auto& p50 = all.at("lat:p50");
  ASSERT_EQ(p50.size(), 2u);
  EXPECT_NEAR(p50[0].value, 0.1 * 50 / 90, 1e-9);
  EXPECT_NEAR(all.at("lat:p95")[0].value, 0.1 + 0.9 * (95.0 - 90) / 10, 1e-9);
  // Interval 1-3: all 100 new observations above 1 s: the +Inf bucket answers the last finite bound.
  EXPECT_DOUBLE_EQ(p50[1].value, 1);
  EXPECT_DOUBLE_EQ(all.at("lat:rate")[1].value, 50);
}

TEST(ScrapeSeriesTest, ACounterResetIsTheIncreaseSinceZero) {
  ScrapeSeries series;
  series.add_scrape(0, parse_prometheus_text("c_total 1000\n"));
  series.add_scrape(1, parse_prometheus_text("c_total 1100\n"));
  series.add_scrape(2, parse_prometheus_text("c_total 30\n"));  // restarted
  const auto& rate = series.series().at("c_total");
  ASSERT_EQ(rate.size(), 2u);
  EXPECT_EQ(rate[0].value, 100);
  EXPECT_EQ(rate[1].value, 30);
}

TEST(ScrapeSeriesTest, ALabelSetThatAppearsLaterCountsFromZero) {
  // serve and sim write a status's counter line only once it has happened.
  ScrapeSeries series;
  series.add_scrape(0, parse_prometheus_text("# TYPE r counter\nr{status=\"200\"} 10\n"));
  series.add_scrape(2, parse_prometheus_text("# TYPE r counter\nr{status=\"200\"} 20\nr{status=\"429\"} 6\n"
                                             "# TYPE h histogram\nh_bucket{le=\"1\"} 4\nh_bucket{le=\"+Inf\"} 4\n"
                                             "h_count 4\n"));
  const auto& all = series.series();
  ASSERT_TRUE(all.count("r{status=\"429\"}"));
  EXPECT_DOUBLE_EQ(all.at("r{status=\"429\"}")[0].value, 3);  // 6 since the scrape at t = 0
  EXPECT_DOUBLE_EQ(all.at("r{status=\"200\"}")[0].value, 5);
  ASSERT_TRUE(all.count("h:p50"));  // the 4 observations fell in this interval
  EXPECT_DOUBLE_EQ(all.at("h:rate")[0].value, 2);
}

TEST(ScrapeSeriesTest, HistogramQuantileFollowsPrometheus) {
  using Buckets = std::vector<std::pair<double, double>>;
  constexpr double kInf = std::numeric_limits<double>::infinity();
  EXPECT_FALSE(histogram_quantile(0.5, Buckets{}));
  EXPECT_FALSE(histogram_quantile(0.5, Buckets{{1, 0}, {kInf, 0}}));
  EXPECT_DOUBLE_EQ(*histogram_quantile(0.5, Buckets{{1, 10}, {2, 20}, {kInf, 20}}), 1.0);
  EXPECT_DOUBLE_EQ(*histogram_quantile(0.75, Buckets{{1, 10}, {2, 20}, {kInf, 20}}), 1.5);
}

TEST(ScrapeSeriesTest, KeysUseLabelsInOrderEscaped) {
  EXPECT_EQ(series_key("m", {}), "m");
  EXPECT_EQ(series_key("m", {{"a", "x\"y"}, {"b", "2"}}), "m{a=\"x\\\"y\",b=\"2\"}");
}

}  // namespace
}  // namespace ragscale::metrics
