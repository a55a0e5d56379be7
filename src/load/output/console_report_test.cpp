#include "load/output/console_report.h"

#include <gtest/gtest.h>

#include "stats/stats_shard.h"

namespace ragscale::output {
namespace {

RunStats sample_run() {
  StatsShard shard;
  const uint32_t search = shard.endpoint_id("POST", "/search");
  const uint32_t home = shard.endpoint_id("GET", "/");
  RunStats run;
  run.begin(100.0);
  for (int i = 0; i < 99; ++i) shard.record_success(home, 153, 10);
  shard.record_success(home, 20149, 10);
  shard.record_failure(search, 2500, 0, ErrorKind::kHttpStatus, "HTTP 500");
  shard.record_failure(search, 2500, 0, ErrorKind::kHttpStatus, "HTTP 500");
  shard.record_failure(search, 30000, 0, ErrorKind::kTimeout, "timeout");
  run.add(shard.take_interval());
  run.close_second(101.0, 5);
  run.finish(102.0);
  return run;
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  for (size_t end; (end = text.find('\n', start)) != std::string::npos; start = end + 1) {
    lines.push_back(text.substr(start, end - start));
  }
  return lines;
}

TEST(ConsoleReportTest, StatsTableShowsExactMillisecondsAndRunRates) {
  const std::vector<std::string> lines = lines_of(format_stats_table(sample_run()));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0].substr(0, 14), "Type     Name ");
  EXPECT_NE(lines[0].find("# fails"), std::string::npos);
  EXPECT_EQ(lines[1].substr(0, 9), "--------|");
  EXPECT_EQ(lines[2].substr(0, 12), "GET      /  ");  // sorted by name: "/" before "/search"
  EXPECT_NE(lines[2].find("0(0.00%)"), std::string::npos);
  EXPECT_NE(lines[2].find("0.153"), std::string::npos);  // min and median
  EXPECT_NE(lines[2].find("20.1"), std::string::npos);   // max
  EXPECT_NE(lines[2].find("50.00"), std::string::npos);  // 100 requests over 2 s
  EXPECT_EQ(lines[3].substr(0, 16), "POST     /search");
  EXPECT_NE(lines[3].find("3(100.00%)"), std::string::npos);
  EXPECT_EQ(lines[5].substr(0, 19), "         Aggregated");
  EXPECT_NE(lines[5].find(" 103 "), std::string::npos);
}

TEST(ConsoleReportTest, PercentileTableHasLocustColumns) {
  const std::vector<std::string> lines = lines_of(format_percentile_table(sample_run()));
  ASSERT_EQ(lines.size(), 7u);
  for (const char* label : {"50%", "66%", "99.9%", "99.99%", "100%", "# reqs"}) {
    EXPECT_NE(lines[1].find(label), std::string::npos) << label;
  }
  EXPECT_NE(lines[3].find("0.153"), std::string::npos);
  EXPECT_EQ(lines[3].substr(lines[3].size() - 5), " 20.1");  // p100 == max
  EXPECT_EQ(lines[4].substr(lines[4].size() - 5), " 30.0");
}

TEST(ConsoleReportTest, ErrorTableListsMostFrequentFirstOrNothing) {
  const std::vector<std::string> lines = lines_of(format_error_table(sample_run()));
  ASSERT_EQ(lines.size(), 6u);
  EXPECT_EQ(lines[0], "Error report");
  EXPECT_EQ(lines[3], "2                  POST /search: HTTP 500");
  EXPECT_EQ(lines[4], "1                  POST /search: timeout");
  EXPECT_EQ(format_error_table(RunStats()), "");
  const std::string report = format_end_of_run_report(sample_run());
  EXPECT_NE(report.find("Response time percentiles"), std::string::npos);
  EXPECT_NE(report.find("Error report"), std::string::npos);
  EXPECT_EQ(report.find("Retries"), std::string::npos);
}

TEST(ConsoleReportTest, RetryTableListsRetriedNamesOnly) {
  EXPECT_EQ(format_retry_table(sample_run()), "");
  StatsShard shard;
  const uint32_t home = shard.endpoint_id("GET", "/");
  const uint32_t search = shard.endpoint_id("POST", "/search");
  shard.record_success(home, 100, 0);
  shard.record_retry(search);
  shard.record_retry(search);
  shard.record_success(search, 100, 0);
  RunStats run;
  run.add(shard.take_interval());
  const std::vector<std::string> lines = lines_of(format_retry_table(run));
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[2].substr(0, 15), "POST     /searc");
  EXPECT_EQ(lines[2].substr(lines[2].size() - 2), " 2");
  EXPECT_EQ(lines[3].substr(lines[3].size() - 2), " 2");
  EXPECT_NE(format_end_of_run_report(run).find("Retries"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::output
