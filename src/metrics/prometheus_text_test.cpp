#include "metrics/prometheus_text.h"

#include <gtest/gtest.h>

#include <cmath>

namespace ragscale::metrics {
namespace {

constexpr std::string_view kServeLike = R"(# HELP ragscale_requests_total Requests answered, by route and status.
# TYPE ragscale_requests_total counter
ragscale_requests_total{route="/query",status="200"} 1027
ragscale_requests_total{status="503",route="/query"} 3
# TYPE ragscale_request_duration_seconds histogram
ragscale_request_duration_seconds_bucket{route="/query",le="0.1"} 900
ragscale_request_duration_seconds_bucket{route="/query",le="+Inf"} 1030
ragscale_request_duration_seconds_sum{route="/query"} 61.5
ragscale_request_duration_seconds_count{route="/query"} 1030
# TYPE ragscale_cache_entries gauge
ragscale_cache_entries 12 1700000000000
process_cpu_seconds_total 4.25
)";

TEST(PrometheusTextTest, SamplesKindsAndFamilies) {
  const Exposition parsed = parse_prometheus_text(kServeLike);
  EXPECT_TRUE(parsed.problems.empty());
  ASSERT_EQ(parsed.samples.size(), 8u);
  EXPECT_EQ(parsed.samples[0].name, "ragscale_requests_total");
  EXPECT_EQ(label_value(parsed.samples[0].labels, "status"), "200");
  // Labels are sorted: the same set in another order compares equal.
  EXPECT_EQ(parsed.samples[1].labels, (Labels{{"route", "/query"}, {"status", "503"}}));
  EXPECT_EQ(parsed.kind_of("ragscale_requests_total"), MetricKind::kCounter);
  EXPECT_EQ(parsed.kind_of("ragscale_request_duration_seconds_bucket"), MetricKind::kHistogram);
  EXPECT_EQ(parsed.family_of("ragscale_request_duration_seconds_count"), "ragscale_request_duration_seconds");
  EXPECT_EQ(label_value(parsed.samples[3].labels, "le"), "+Inf");
  EXPECT_EQ(parsed.samples[3].value, 1030);
  EXPECT_EQ(parsed.samples[6].value, 12);  // the timestamp is not the value
  EXPECT_EQ(parsed.kind_of("process_cpu_seconds_total"), MetricKind::kUntyped);
  EXPECT_EQ(parsed.family_of("process_cpu_seconds_total"), "process_cpu_seconds_total");
}

TEST(PrometheusTextTest, EscapesSpecialValuesAndLineEndings) {
  const Exposition parsed =
      parse_prometheus_text("m{path=\"a\\\"b\\\\c\\nd\"} NaN\r\nn -Inf\n  o{} +1.5e3\n\n# just a comment\n");
  ASSERT_EQ(parsed.samples.size(), 3u);
  EXPECT_EQ(label_value(parsed.samples[0].labels, "path"), "a\"b\\c\nd");
  EXPECT_TRUE(std::isnan(parsed.samples[0].value));
  EXPECT_TRUE(std::isinf(parsed.samples[1].value) && parsed.samples[1].value < 0);
  EXPECT_EQ(parsed.samples[2].value, 1500);
}

TEST(PrometheusTextTest, MalformedLinesAreReportedAndTheRestKept) {
  const Exposition parsed = parse_prometheus_text(
      "good 1\n{route=\"x\"} 2\nbad{route=\"x\" 3\nworse{route=x} 4\nvalue_missing\nlabel{a=\"1\"} ten\n"
      "# TYPE good frequency\nalso_good{a=\"1\",} 5\n");
  ASSERT_EQ(parsed.samples.size(), 2u);
  EXPECT_EQ(parsed.samples[0].name, "good");
  EXPECT_EQ(parsed.samples[1].name, "also_good");  // a trailing comma is allowed
  ASSERT_EQ(parsed.problems.size(), 6u);
  EXPECT_EQ(parsed.problems[0].line, 2);
  EXPECT_NE(parsed.problems[0].message.find("metric name"), std::string::npos);
  EXPECT_NE(parsed.problems[1].message.find("commas"), std::string::npos);
  EXPECT_NE(parsed.problems[2].message.find("=\"value\""), std::string::npos);
  EXPECT_NE(parsed.problems[3].message.find("'' is not a sample value"), std::string::npos);
  EXPECT_NE(parsed.problems[4].message.find("'ten'"), std::string::npos);
  EXPECT_NE(parsed.problems[5].message.find("unknown metric type 'frequency'"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::metrics
