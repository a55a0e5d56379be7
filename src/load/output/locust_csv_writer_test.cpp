#include "load/output/locust_csv_writer.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "stats/stats_shard.h"

namespace ragscale::output {
namespace {

constexpr const char* kLocustStatsPy = "/usr/lib/python3/dist-packages/locust/stats.py";
constexpr const char* kPercentileMarker = "<percentiles>";

// Header lines verified against Locust 2.12.1's stats.py (StatsCSV and StatsCSVFileWriter).
constexpr const char* kStatsHeader =
    "Type,Name,Request Count,Failure Count,Median Response Time,Average Response Time,Min Response Time,"
    "Max Response Time,Average Content Size,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,"
    "99.99%,100%";
constexpr const char* kHistoryHeader =
    "Timestamp,User Count,Type,Name,Requests/s,Failures/s,50%,66%,75%,80%,90%,95%,98%,99%,99.9%,99.99%,100%,"
    "Total Request Count,Total Failure Count,Total Median Response Time,Total Average Response Time,"
    "Total Min Response Time,Total Max Response Time,Total Average Content Size";
constexpr const char* kFailuresHeader = "Method,Name,Error,Occurrences";
constexpr const char* kExceptionsHeader = "Count,Message,Traceback,Nodes";

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> lines;
  size_t start = 0;
  while (start < text.size()) {
    const size_t end = text.find("\r\n", start);
    EXPECT_NE(end, std::string::npos) << "every line must end with \\r\\n like Python's csv module";
    if (end == std::string::npos) break;
    lines.push_back(text.substr(start, end - start));
    start = end + 2;
  }
  return lines;
}

std::vector<std::string> split(const std::string& line) {
  std::vector<std::string> fields;
  std::stringstream stream(line);
  std::string field;
  while (std::getline(stream, field, ',')) fields.push_back(field);
  return fields;
}

// The column names of a Python list literal `marker [ "a", "b", *get_readable_percentiles(..) ]`
// (optionally followed by `+ get_readable_percentiles(...)`), percentiles as kPercentileMarker.
std::vector<std::string> python_columns(const std::string& source, const std::string& marker) {
  const size_t start = source.find(marker);
  if (start == std::string::npos) return {};
  const size_t open = source.find('[', start);
  const size_t close = source.find(']', open);
  const std::string body = source.substr(open + 1, close - open - 1);
  std::vector<std::string> columns;
  const std::string percentiles_call = "get_readable_percentiles";
  for (size_t position = 0;;) {
    const size_t quote = body.find('"', position);
    const size_t call = body.find(percentiles_call, position);
    if (quote == std::string::npos && call == std::string::npos) break;
    if (call < quote) {
      columns.push_back(kPercentileMarker);
      position = call + percentiles_call.size();
    } else {
      const size_t closing = body.find('"', quote + 1);
      columns.push_back(body.substr(quote + 1, closing - quote - 1));
      position = closing + 1;
    }
  }
  const size_t line_end = source.find('\n', close);
  if (source.substr(close, line_end - close).find("get_readable_percentiles") != std::string::npos) {
    columns.push_back(kPercentileMarker);
  }
  return columns;
}

std::string expand(const std::vector<std::string>& columns) {
  std::string header;
  for (const std::string& column : columns) {
    if (column == kPercentileMarker) {
      for (double p : kReportedPercentiles) header += percentile_label(p) + ",";
    } else {
      header += column + ",";
    }
  }
  if (!header.empty()) header.pop_back();
  return header;
}

RunStats sample_run() {
  StatsShard shard;
  const uint32_t home = shard.endpoint_id("GET", "/");
  const uint32_t search = shard.endpoint_id("POST", "/search, with \"comma\"");
  const uint32_t about = shard.endpoint_id("GET", "/about");
  RunStats run;
  run.begin(1700000000.0);
  for (int second = 1; second <= 3; ++second) {
    for (int i = 0; i < 10; ++i) shard.record_success(home, 1000 + uint64_t(i) * 100, 100);
    shard.record_failure(search, 20149, 0, ErrorKind::kHttpStatus, "HTTP 500");
    shard.record_rate_limited(search, 153, 0, /*counts_as_failure=*/false);
    if (second == 3) shard.record_success(about, 153, 1);
    run.add(shard.take_interval());
    run.close_second(1700000000.0 + second, 10);
  }
  run.finish(1700000004.0);
  return run;
}

TEST(LocustCsvWriterTest, HeadersMatchLocust) {
  const RunStats run = sample_run();
  std::ostringstream stats, history, failures, exceptions;
  write_locust_stats_csv(stats, run);
  write_locust_stats_history_csv(history, run);
  write_locust_failures_csv(failures, run);
  write_locust_exceptions_csv(exceptions, run);
  EXPECT_EQ(lines_of(stats.str()).at(0), kStatsHeader);
  EXPECT_EQ(lines_of(history.str()).at(0), kHistoryHeader);
  EXPECT_EQ(lines_of(failures.str()).at(0), kFailuresHeader);
  EXPECT_EQ(lines_of(exceptions.str()).at(0), kExceptionsHeader);
}

TEST(LocustCsvWriterTest, CheckedInHeadersMatchInstalledLocust) {
  std::ifstream file(kLocustStatsPy);
  if (!file) GTEST_SKIP() << kLocustStatsPy << " not installed";
  const std::string source((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  EXPECT_EQ(expand(python_columns(source, "self.requests_csv_columns = [")), kStatsHeader);
  EXPECT_EQ(expand(python_columns(source, "self.stats_history_csv_columns = [")), kHistoryHeader);
  EXPECT_EQ(expand(python_columns(source, "self.failures_columns = [")), kFailuresHeader);
  EXPECT_EQ(expand(python_columns(source, "self.exceptions_columns = [")), kExceptionsHeader);
  EXPECT_NE(source.find("PERCENTILES_TO_REPORT = [0.50, 0.66, 0.75, 0.80, 0.90, 0.95, 0.98, 0.99, 0.999, 0.9999, 1.0]"),
            std::string::npos);
}

TEST(LocustCsvWriterTest, StatsRowsAreSortedWithAggregatedLast) {
  const RunStats run = sample_run();
  std::ostringstream out;
  write_locust_stats_csv(out, run);
  const std::vector<std::string> lines = lines_of(out.str());
  ASSERT_EQ(lines.size(), 5u);
  // Sorted by name: "/", "/about", "/search..." (quoted: it holds a comma and quotes).
  // Median and percentiles in whole ms as Locust writes them; average, min, max as decimals.
  EXPECT_EQ(lines[1], "GET,/,30,0,1,1.45,1.00,1.90,100.0,7.5,0.0,1,2,2,2,2,2,2,2,2,2,2");
  EXPECT_EQ(lines[2], "GET,/about,1,0,0,0.153,0.153,0.153,1.0,0.25,0.0,0,0,0,0,0,0,0,0,0,0,0");
  // Rate-limited responses count as requests but not as failures here.
  EXPECT_EQ(lines[3].substr(0, 37), "POST,\"/search, with \"\"comma\"\"\",6,3,0,");
  EXPECT_EQ(split(lines[4])[0], "");
  EXPECT_EQ(split(lines[4])[1], "Aggregated");
  EXPECT_EQ(split(lines[4])[2], "37");
  EXPECT_EQ(split(lines[4])[3], "3");
  EXPECT_EQ(split(lines[4])[9], "9.25");  // 37 requests over 4 s
  EXPECT_EQ(split(lines[4])[10], "0.75");
}

// What analysis code written for Locust's CSVs does: int(row['95%']), int(row['Median Response Time']).
bool python_int_parses(const std::string& field) {
  return !field.empty() && field.find_first_not_of("0123456789") == std::string::npos;
}

TEST(LocustCsvWriterTest, IntegerColumnsParseWithPythonInt) {
  const RunStats run = sample_run();
  std::ostringstream stats, history;
  write_locust_stats_csv(stats, run);
  write_locust_stats_history_csv(history, run, {.full_history = true});
  const std::vector<std::string> stats_lines = lines_of(stats.str());
  for (size_t i = 1; i < stats_lines.size(); ++i) {
    // Quoted names hold commas; count columns from the end.
    const std::vector<std::string> fields = split(stats_lines[i]);
    const size_t first_percentile = fields.size() - kReportedPercentiles.size();
    EXPECT_TRUE(python_int_parses(fields[first_percentile - 7])) << "Median Response Time: " << stats_lines[i];
    for (size_t f = first_percentile; f < fields.size(); ++f) {
      EXPECT_TRUE(python_int_parses(fields[f])) << stats_lines[i];
    }
  }
  const std::vector<std::string> history_lines = lines_of(history.str());
  for (size_t i = 1; i < history_lines.size(); ++i) {
    const std::vector<std::string> fields = split(history_lines[i]);
    const size_t first_total = fields.size() - 7;
    for (size_t f = first_total - kReportedPercentiles.size(); f < first_total; ++f) {
      EXPECT_TRUE(python_int_parses(fields[f])) << history_lines[i];
    }
    EXPECT_TRUE(python_int_parses(fields[first_total + 2])) << "Total Median Response Time: " << history_lines[i];
  }
}

TEST(LocustCsvWriterTest, PreciseOptionKeepsDecimals) {
  const RunStats run = sample_run();
  std::ostringstream stats, history;
  write_locust_stats_csv(stats, run, {.precise = true});
  write_locust_stats_history_csv(history, run, {.precise = true});
  EXPECT_EQ(lines_of(stats.str())[1],
            "GET,/,30,0,1.40,1.45,1.00,1.90,100.0,7.5,0.0,1.40,1.60,1.70,1.70,1.80,1.90,1.90,1.90,1.90,1.90,1.90");
  const std::vector<std::string> first = split(lines_of(history.str())[1]);
  EXPECT_EQ(first[16], "20.1");  // window p100
  EXPECT_EQ(first[19], "1.40");  // total median
}

TEST(LocustCsvWriterTest, EndpointWithoutRequestsPrintsNotAvailablePercentiles) {
  RunStats run;
  run.restore_endpoint("GET", "/never", 0, 0, 0, 0, LatencyHistogram());
  std::ostringstream out;
  write_locust_stats_csv(out, run);
  EXPECT_EQ(lines_of(out.str())[1],
            "GET,/never,0,0,0,0.000,0.000,0.000,0.0,0.0,0.0,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A,N/A");
}

TEST(LocustCsvWriterTest, HistoryHasAggregatedRowsOrFullHistory) {
  const RunStats run = sample_run();
  std::ostringstream aggregated_only, full;
  write_locust_stats_history_csv(aggregated_only, run);
  write_locust_stats_history_csv(full, run, {.full_history = true});
  const std::vector<std::string> lines = lines_of(aggregated_only.str());
  ASSERT_EQ(lines.size(), 4u);
  const std::vector<std::string> first = split(lines[1]);
  EXPECT_EQ(first[0], "1700000001");
  EXPECT_EQ(first[1], "10");
  EXPECT_EQ(first[2], "");
  EXPECT_EQ(first[3], "Aggregated");
  EXPECT_EQ(first[4], "12.000000");
  EXPECT_EQ(first[5], "1.000000");
  EXPECT_EQ(first[16], "20");    // window p100, whole ms
  EXPECT_EQ(first[17], "12");    // total requests so far
  EXPECT_EQ(first[18], "1");
  // Full history: 2 endpoints in the first two seconds, 3 in the last, each before Aggregated.
  const std::vector<std::string> full_lines = lines_of(full.str());
  ASSERT_EQ(full_lines.size(), 1u + 3 + 3 + 4);
  EXPECT_EQ(split(full_lines[1])[3], "/");
  EXPECT_EQ(split(full_lines[3])[3], "Aggregated");
  EXPECT_EQ(split(full_lines[8])[3], "/about");
}

TEST(LocustCsvWriterTest, HistoryPrintsNotAvailableBeforeTheFirstRequest) {
  RunStats run;
  run.close_second(100.0, 0);
  std::ostringstream out;
  write_locust_stats_history_csv(out, run);
  const std::vector<std::string> fields = split(lines_of(out.str()).at(1));
  EXPECT_EQ(fields[6], "N/A");
  EXPECT_EQ(fields[16], "N/A");
  EXPECT_EQ(fields[17], "0");
}

TEST(LocustCsvWriterTest, FailuresAndExceptions) {
  RunStats run;
  run.restore_endpoint("GET", "/a", 5, 5, 0, 0, LatencyHistogram());
  run.restore_error({"GET", "/a", ErrorKind::kHttpStatus, "HTTP 500", 2});
  run.restore_error({"GET", "/a", ErrorKind::kCheckFailed, "check failed: status 404 not in [200]", 3});
  run.restore_exception({"template error, line 3", 4});
  std::ostringstream failures, exceptions;
  write_locust_failures_csv(failures, run);
  write_locust_exceptions_csv(exceptions, run);
  const std::vector<std::string> failure_lines = lines_of(failures.str());
  ASSERT_EQ(failure_lines.size(), 3u);
  EXPECT_EQ(failure_lines[1], "GET,/a,check failed: status 404 not in [200],3");
  EXPECT_EQ(failure_lines[2], "GET,/a,HTTP 500,2");
  EXPECT_EQ(lines_of(exceptions.str()).at(1), "4,\"template error, line 3\",,local");
}

TEST(LocustCsvWriterTest, WritesTheFourFilesOrExplainsWhyNot) {
  const std::filesystem::path directory = std::filesystem::temp_directory_path() / "ragscale_csv_writer_test";
  std::filesystem::create_directories(directory);
  const std::string prefix = (directory / "run").string();
  write_locust_csv_files(prefix, sample_run());
  for (const char* suffix : {"_stats.csv", "_stats_history.csv", "_failures.csv", "_exceptions.csv"}) {
    EXPECT_TRUE(std::filesystem::exists(prefix + suffix)) << suffix;
  }
  std::filesystem::remove_all(directory);
  try {
    write_locust_csv_files("/nonexistent-directory/run", sample_run());
    FAIL() << "expected an error";
  } catch (const std::runtime_error& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent-directory/run_stats.csv"), std::string::npos);
  }
}

}  // namespace
}  // namespace ragscale::output
