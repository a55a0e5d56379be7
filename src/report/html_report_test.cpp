#include "report/html_report.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <filesystem>
#include <sstream>

#include "diagnose/diagnosis.h"
#include "stats/stats_shard.h"

namespace ragscale::report {
namespace {

output::RunSummary sample_summary() {
  output::RunSummary summary;
  summary.info.host = "http://127.0.0.1:8000";
  summary.info.settings = {{"model", "closed"}};
  summary.info.thresholds = {{"http_req_duration: p(95)<500", true, true, 1.5}};
  StatsShard shard;
  const uint32_t query = shard.endpoint_id("POST", "/query");
  const uint32_t health = shard.endpoint_id("GET", "/health");
  summary.stats.begin(1'700'000'000.0);
  shard.record_success(query, 1500, 100);
  shard.record_success(health, 200, 2);
  shard.record_failure(query, 900, 0, ErrorKind::kCheckFailed, "answer missing </script><script>alert(1)");
  summary.stats.add(shard.take_interval());
  summary.stats.close_second(1'700'000'001.0, 5);
  summary.stats.finish(1'700'000'001.0);
  return summary;
}

// A run whose second second failed half its requests, with a message a hostile target could
// send, and, with `scraped`, the target metrics --scrape records.
output::RunSummary bursting_summary(bool scraped) {
  output::RunSummary summary;
  summary.info.host = "http://127.0.0.1:8000";
  StatsShard shard;
  const uint32_t query = shard.endpoint_id("POST", "/query");
  summary.stats.begin(1'700'000'000.0);
  for (int second = 1; second <= 3; ++second) {
    for (int i = 0; i < 20; ++i) {
      if (second == 2 && i % 2 == 0) shard.record_failure(query, 900, 0, ErrorKind::kHttpStatus, "</script><b>503</b>");
      else shard.record_success(query, 1500, 100);
    }
    summary.stats.add(shard.take_interval());
    summary.stats.close_second(1'700'000'000.0 + second, 5);
  }
  summary.stats.finish(1'700'000'003.0);
  if (scraped) {
    metrics::ScrapedTarget target;
    target.url = "http://127.0.0.1:8000/metrics";
    target.series["ragscale_in_flight_requests"] = {{1, 3}, {2, 5}, {3, 4}};
    summary.info.scraped = {target};
  }
  return summary;
}

// The text of data element `id`, with the page's \u003c escapes (json_for_script_element)
// undone; fails the test when the element is missing or holds a raw '<'.
std::string data_element(const std::string& html, const std::string& id) {
  const std::string start = "<script type=\"application/json\" id=\"" + id + "\">";
  const size_t begin = html.find(start);
  EXPECT_NE(begin, std::string::npos) << id;
  if (begin == std::string::npos) return "";
  const size_t end = html.find("</script>", begin);
  std::string data = html.substr(begin + start.size(), end - begin - start.size());
  EXPECT_EQ(data.find('<'), std::string::npos) << data;
  for (size_t at = data.find("\\u003c"); at != std::string::npos; at = data.find("\\u003c", at)) data.replace(at, 6, "<");
  return data;
}

TEST(HtmlReport, CarriesTheRunsDiagnosisAsDiagnoseWritesIt) {
  const output::RunSummary summary = bursting_summary(false);
  std::ostringstream expected;
  diagnose::write_diagnosis_json(expected, diagnose::diagnose_run(diagnose::RunEvidence(summary)));
  const std::string embedded = data_element(render_html_report(summary), "diagnosis-data");
  EXPECT_EQ(embedded, expected.str());
  rapidjson::Document diagnosis;
  diagnosis.Parse(embedded.c_str());
  ASSERT_FALSE(diagnosis.HasParseError()) << embedded;
  ASSERT_EQ(diagnosis["findings"].Size(), 1u);
  EXPECT_STREQ(diagnosis["findings"][0]["rule"].GetString(), "error_bursts");
  EXPECT_NE(embedded.find("</script><b>503</b>"), std::string::npos);  // shown as text by the page
  EXPECT_FALSE(diagnosis["scraped"].GetBool());
}

TEST(HtmlReport, CarriesTheTargetChartsOfAScrapedRun) {
  rapidjson::Document plain;
  plain.Parse(data_element(render_html_report(bursting_summary(false)), "target-charts-data").c_str());
  ASSERT_FALSE(plain.HasParseError());
  EXPECT_EQ(plain["charts"].Size(), 0u);
  rapidjson::Document scraped;
  scraped.Parse(data_element(render_html_report(bursting_summary(true)), "target-charts-data").c_str());
  ASSERT_FALSE(scraped.HasParseError());
  ASSERT_EQ(scraped["charts"].Size(), 1u);
  EXPECT_STREQ(scraped["charts"][0]["metric"].GetString(), "ragscale_in_flight_requests");
}

TEST(HtmlReport, IsOneSelfContainedPageWithTheSummaryAndTheChartLibrary) {
  const std::string html = render_html_report(sample_summary());
  EXPECT_EQ(html.rfind("<!DOCTYPE html>", 0), 0u);
  EXPECT_NE(html.find("id=\"run-summary\""), std::string::npos);
  EXPECT_NE(html.find("uPlot"), std::string::npos);      // the library is inlined
  EXPECT_NE(html.find("MIT License"), std::string::npos); // with its license
  EXPECT_EQ(html.find("<script src="), std::string::npos);
  EXPECT_EQ(html.find("<link"), std::string::npos);       // nothing fetched from elsewhere
  EXPECT_NE(html.find("\"/query\""), std::string::npos);
  EXPECT_NE(html.find("\"/health\""), std::string::npos);
  EXPECT_NE(html.find("http_req_duration: p(95)\\u003c500"), std::string::npos);
}

TEST(HtmlReport, TextFromTheRunCannotCloseTheDataElement) {
  const std::string html = render_html_report(sample_summary());
  const size_t data_start = html.find("id=\"run-summary\">");
  const size_t data_end = html.find("</script>", data_start);
  const std::string data = html.substr(data_start, data_end - data_start);
  EXPECT_NE(data.find("answer missing \\u003c/script>\\u003cscript>alert(1)"), std::string::npos) << data;
  EXPECT_EQ(data.find('<'), std::string::npos);
}

TEST(HtmlReport, ScriptElementJsonEscapesEveryAngleBracket) {
  EXPECT_EQ(json_for_script_element(R"({"a":"<!--</script>"})"), R"({"a":"\u003c!--\u003c/script>"})");
}

TEST(HtmlReport, UnwritablePathIsAClearError) {
  try {
    write_html_report_file("/nonexistent-folder/report.html", sample_summary());
    FAIL();
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent-folder/report.html"), std::string::npos);
  }
}

}  // namespace
}  // namespace ragscale::report
