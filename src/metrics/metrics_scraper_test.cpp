#include "metrics/metrics_scraper.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <thread>

namespace ragscale::metrics {
namespace {

using std::chrono::milliseconds;

TEST(MetricsScraperTest, RecordsTheGeneratorsLoopLagOncePerTickWithSamples) {
  MetricsScraper scraper({}, milliseconds(100));
  scraper.loop_lag().record(milliseconds(2));
  scraper.loop_lag().record(milliseconds(6));
  scraper.start(std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count());
  std::this_thread::sleep_for(milliseconds(350));
  scraper.stop();
  const std::vector<ScrapedTarget> results = scraper.results();
  ASSERT_EQ(results.size(), 1u);
  const ScrapedTarget& generator = results[0];
  EXPECT_EQ(generator.url, "generator");
  // The first tick took both samples; later ticks had none, so they add no point.
  const auto& lag = generator.series.at("ragscale_load_loop_lag_seconds");
  ASSERT_EQ(lag.size(), 1u);
  EXPECT_DOUBLE_EQ(lag[0].value, 0.006);
  EXPECT_DOUBLE_EQ(generator.series.at("ragscale_load_loop_lag_mean_seconds")[0].value, 0.004);
  // The CPU series needs two ticks for its first point.
  EXPECT_GE(generator.series.at("ragscale_load_cpu_cores").size(), 1u);
  EXPECT_EQ(generator.scrapes, generator.series.at("ragscale_load_cpu_cores").size());
}

TEST(MetricsScraperTest, ABadUrlIsBadInputNamingIt) {
  try {
    MetricsScraper scraper({"https://127.0.0.1:1/metrics"}, milliseconds(1000));
    FAIL() << "an https URL was accepted";
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("https://127.0.0.1:1/metrics"), std::string::npos) << error.what();
  }
}

}  // namespace
}  // namespace ragscale::metrics
