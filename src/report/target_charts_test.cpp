#include "report/target_charts.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <functional>
#include <sstream>

namespace ragscale::report {
namespace {

// `key` sampled at t = 1..seconds with value f(t).
void record(metrics::ScrapedTarget& target, const std::string& key, int seconds, const std::function<double(int)>& f) {
  for (int s = 1; s <= seconds; ++s) target.series[key].push_back({double(s), f(s)});
}

metrics::ScrapedTarget target_named(const std::string& url) {
  metrics::ScrapedTarget target;
  target.url = url;
  return target;
}

const TargetChart* chart_of(const TargetCharts& charts, const std::string& metric) {
  for (const auto& chart : charts.charts) {
    if (chart.metric == metric) return &chart;
  }
  return nullptr;
}

TEST(TargetCharts, KnownMetricsComeFirstEvenFlatAndConstantOnesAreOnlyCounted) {
  auto serve = target_named("http://127.0.0.1:8000/metrics");
  record(serve, "ragscale_zz_custom_total", 10, [](int s) { return s % 2 ? 1.0 : 5.0; });
  record(serve, "ragscale_worker_queue", 10, [](int) { return 0.0; });
  record(serve, "ragscale_admission_limit", 10, [](int) { return 8.0; });
  record(serve, "process_resident_memory_bytes", 10, [](int s) { return 16.0 * 1024 * 1024 + s; });
  const TargetCharts charts = choose_target_charts({serve});
  ASSERT_EQ(charts.charts.size(), 3u);
  EXPECT_EQ(charts.charts[0].title, "Resident memory");
  EXPECT_EQ(charts.charts[0].unit, "MiB");
  EXPECT_NEAR(*charts.charts[0].lines[0].values[0], 16.0, 1e-5);
  EXPECT_EQ(charts.charts[1].metric, "ragscale_worker_queue");  // flat, but known
  EXPECT_EQ(charts.charts[2].metric, "ragscale_zz_custom_total");
  EXPECT_EQ(charts.charts[2].unit, "/s");
  EXPECT_EQ(charts.flat, 1u);  // ragscale_admission_limit
  EXPECT_TRUE(charts.more.empty());
}

TEST(TargetCharts, LabelSetsAreSummedIntoATotalBesideTheLargestOnes) {
  auto serve = target_named("serve");
  for (int route = 0; route < 5; ++route) {
    record(serve, "ragscale_requests_total{route=\"/r" + std::to_string(route) + "\",status=\"200\"}", 4,
           [route](int s) { return double(route * s); });
  }
  const TargetCharts charts = choose_target_charts({serve});
  const TargetChart* chart = chart_of(charts, "ragscale_requests_total");
  ASSERT_NE(chart, nullptr);
  ASSERT_EQ(chart->lines.size(), 4u);
  EXPECT_EQ(chart->lines[0].label, "total");
  EXPECT_DOUBLE_EQ(*chart->lines[0].values[1], (0 + 1 + 2 + 3 + 4) * 2.0);
  EXPECT_EQ(chart->lines[1].label, "route=\"/r4\",status=\"200\"");
  EXPECT_EQ(chart->lines[3].label, "route=\"/r2\",status=\"200\"");
}

TEST(TargetCharts, PercentilesAreNeverSummedAndTheirSiblingsRideWithP95) {
  auto serve = target_named("serve");
  for (const char* q : {":p50", ":p95", ":p99"}) {
    record(serve, std::string("ragscale_request_duration_seconds") + q + "{route=\"/query\"}", 5,
           [](int s) { return 0.1 * s; });
    record(serve, std::string("ragscale_request_duration_seconds") + q + "{route=\"/health\"}", 5,
           [](int s) { return 0.001 * s; });
  }
  const TargetCharts charts = choose_target_charts({serve});
  ASSERT_EQ(charts.charts.size(), 1u);
  const TargetChart& chart = charts.charts[0];
  EXPECT_EQ(chart.title, "Request duration p95");
  EXPECT_EQ(chart.unit, "ms");
  ASSERT_EQ(chart.lines.size(), 2u);
  EXPECT_EQ(chart.lines[0].label, "route=\"/query\"");
  EXPECT_DOUBLE_EQ(*chart.lines[0].values[4], 500);
  EXPECT_EQ(charts.flat, 0u);
}

TEST(TargetCharts, AKnownPairIsOneChartWithALinePerMetric) {
  auto serve = target_named("serve");
  record(serve, "ragscale_cache_hits_total{cache=\"answers\"}", 3, [](int) { return 8.0; });
  record(serve, "ragscale_cache_hits_total{cache=\"chunks\"}", 3, [](int) { return 2.0; });
  record(serve, "ragscale_cache_misses_total", 3, [](int) { return 1.0; });
  const TargetCharts charts = choose_target_charts({serve});
  ASSERT_EQ(charts.charts.size(), 1u);
  const TargetChart& chart = charts.charts[0];
  EXPECT_EQ(chart.metric, "ragscale_cache_hits_total, ragscale_cache_misses_total");
  ASSERT_EQ(chart.lines.size(), 2u);
  EXPECT_DOUBLE_EQ(*chart.lines[0].values[0], 10);
  EXPECT_DOUBLE_EQ(*chart.lines[1].values[0], 1);
}

TEST(TargetCharts, TimesAreTheUnionOfTheLinesWithGapsWhereALineHasNoPoint) {
  auto sim = target_named("sim");
  sim.series["ragscale_sim_active_generations"] = {{0.5, 1}, {1.5, 2}, {2.5, 3}};
  sim.series["ragscale_sim_generation_slots"] = {{1.5, 4}};
  const TargetCharts charts = choose_target_charts({sim});
  ASSERT_EQ(charts.charts.size(), 1u);
  EXPECT_EQ(charts.charts[0].t, (std::vector<double>{0.5, 1.5, 2.5}));
  EXPECT_EQ(charts.charts[0].lines[1].values, (std::vector<std::optional<double>>{std::nullopt, 4.0, std::nullopt}));
}

TEST(TargetCharts, TheCapLeavesTheLeastTellingOutAndNamesThem) {
  auto generator = target_named("generator");
  record(generator, "ragscale_load_cpu_cores", 5, [](int s) { return 0.1 * s; });
  auto serve = target_named("serve");
  for (int i = 1; i <= 5; ++i) {
    // i = 5 varies most.
    record(serve, "custom_" + std::to_string(i), 6, [i](int s) { return 100 + (s % 2 ? i : -i) * 10.0; });
  }
  const TargetCharts charts = choose_target_charts({generator, serve}, 4);
  ASSERT_EQ(charts.charts.size(), 4u);
  EXPECT_EQ(charts.charts[0].target, "generator");
  EXPECT_EQ(charts.charts[0].unit, "CPU cores");
  EXPECT_EQ(charts.charts[1].metric, "custom_5");
  EXPECT_EQ(charts.charts[3].metric, "custom_3");
  ASSERT_EQ(charts.more.size(), 2u);
  EXPECT_EQ(charts.more[0].metric, "custom_2");
  EXPECT_EQ(charts.more[1].target, "serve");
}

TEST(TargetCharts, JsonHasEveryChartWithNullGaps) {
  auto sim = target_named("sim");
  sim.series["ragscale_sim_active_generations"] = {{0.5, 1}, {1.5, 2}};
  sim.series["ragscale_sim_generation_slots"] = {{1.5, 4}};
  std::ostringstream out;
  write_target_charts_json(out, choose_target_charts({sim}));
  rapidjson::Document json;
  json.Parse(out.str().c_str());
  ASSERT_FALSE(json.HasParseError()) << out.str();
  const auto& chart = json["charts"][0];
  EXPECT_STREQ(chart["target"].GetString(), "sim");
  EXPECT_STREQ(chart["title"].GetString(), "Generations running and generation slots");
  EXPECT_EQ(chart["t"].Size(), 2u);
  EXPECT_TRUE(chart["lines"][1]["values"][0].IsNull());
  EXPECT_DOUBLE_EQ(chart["lines"][1]["values"][1].GetDouble(), 4);
  EXPECT_EQ(json["more"].Size(), 0u);
  EXPECT_EQ(json["flat"].GetUint64(), 0u);
}

TEST(TargetCharts, NoScrapedTargetsNoCharts) {
  const TargetCharts charts = choose_target_charts({});
  EXPECT_TRUE(charts.charts.empty());
  EXPECT_TRUE(charts.more.empty());
}

}  // namespace
}  // namespace ragscale::report
