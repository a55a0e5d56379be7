// The streamed-answer figures in every output: llm_stats.csv, the JSON summary (read back
// and merged exactly), the console table and the thresholds' metrics.
#include <gtest/gtest.h>

#include <sstream>

#include "load/output/console_report.h"
#include "load/output/json_summary.h"
#include "load/output/llm_stats_csv.h"
#include "load/run_metrics.h"
#include "load/scenario/thresholds.h"
#include "stats/stats_shard.h"

namespace ragscale::output {
namespace {

// 10 streams a second for 4 seconds on "chat"; 8 in 10 meet the SLO; plus one plain GET.
RunStats llm_run(uint64_t ttft_offset_us = 0) {
  RunStats run;
  StatsShard shard;
  const uint32_t chat = shard.endpoint_id("POST", "chat");
  const uint32_t plain = shard.endpoint_id("GET", "/health");
  run.begin(1'700'000'000.0);
  for (int second = 1; second <= 4; ++second) {
    for (uint64_t i = 0; i < 10; ++i) {
      shard.record_success(chat, 1'000'000 + i, 100);
      for (int gap = 0; gap < 9; ++gap) shard.record_token_gap(chat, 20'000 + i);
      shard.record_stream(chat, 300'000 + ttft_offset_us + i * 1000, 20'000 + i, 1'000'000 + i, 10);
      shard.record_slo(chat, i < 8);
    }
    shard.record_success(plain, 500, 10);
    shard.record_slo(plain, true);
    run.add(shard.take_interval());
    run.close_second(1'700'000'000.0 + second, 10);
  }
  run.finish(1'700'000'004.0);
  return run;
}

std::vector<std::string> csv_lines(const RunStats& run) {
  std::ostringstream out;
  write_llm_stats_csv(out, run);
  std::vector<std::string> lines;
  std::istringstream in(out.str());
  for (std::string line; std::getline(in, line);) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    lines.push_back(line);
  }
  return lines;
}

TEST(LlmStatsCsv, OneRowPerNameWithFiguresThenAggregated) {
  const RunStats run = llm_run();
  const std::vector<std::string> lines = csv_lines(run);
  ASSERT_EQ(lines.size(), 4u);  // header, /health (SLO verdicts only), chat, Aggregated
  EXPECT_EQ(lines[0].rfind("Type,Name,Request Count,Failure Count,Stream Count,TTFT 50% (ms),TTFT 90% (ms)", 0), 0u);
  EXPECT_NE(lines[0].find("ITL 99% (ms)"), std::string::npos);
  EXPECT_NE(lines[0].find("Output Tokens/s,"), std::string::npos);
  EXPECT_NE(lines[0].find("Goodput/s,SLO Attainment %"), std::string::npos);
  EXPECT_EQ(lines[2].rfind("POST,chat,40,0,40,304.127,", 0), 0u) << lines[2];
  EXPECT_EQ(lines[3].rfind(",Aggregated,44,0,40,", 0), 0u) << lines[3];
  // 400 tokens over 4 s = 100 tokens/s, 10 per user; goodput (32 + 4) / 4 s; attainment 36/44.
  EXPECT_NE(lines[3].find(",400,100.000,10.000,9.000,81.818,"), std::string::npos) << lines[3];
}

TEST(LlmStatsCsv, NothingWithoutLlmFigures) {
  RunStats run;
  StatsShard shard;
  shard.record_success(shard.endpoint_id("GET", "/"), 100, 1);
  run.add(shard.take_interval());
  EXPECT_FALSE(write_llm_stats_csv_file("/nonexistent-dir/prefix", run));
  EXPECT_EQ(format_llm_table(run), "");
}

TEST(LlmJsonSummary, ReadsBackAndMergesExactly) {
  const RunStats one = llm_run();
  const RunStats two = llm_run(50'000);
  std::ostringstream a, b;
  write_json_summary(a, RunInfo{}, one);
  write_json_summary(b, RunInfo{}, two);
  RunSummary merged = parse_json_summary(a.str(), "a.json");
  EXPECT_EQ(merged.stats.aggregate().llm(), one.aggregate().llm());
  EXPECT_EQ(merged.stats.history().back().llm, one.history().back().llm);
  merge_summaries(merged, parse_json_summary(b.str(), "b.json"));
  LlmFigures expected = one.aggregate().llm();
  expected.merge(two.aggregate().llm());
  EXPECT_EQ(merged.stats.aggregate().llm(), expected);
  const EndpointStats* chat = merged.stats.find("POST", "chat");
  ASSERT_NE(chat, nullptr);
  EXPECT_EQ(chat->llm().streams, 80u);
  EXPECT_EQ(merged.stats.history()[0].llm.streams, 20u);
  EXPECT_EQ(merged.stats.history()[0].llm.ttft_p95_us, two.history()[0].llm.ttft_p95_us);
}

TEST(LlmConsoleTable, ShowsTtftTokensAndAttainment) {
  const std::string table = format_llm_table(llm_run());
  EXPECT_NE(table.find("TTFT p50"), std::string::npos);
  EXPECT_NE(table.find("81.8% ("), std::string::npos) << table;
  EXPECT_NE(format_end_of_run_report(llm_run()).find("Streamed answers"), std::string::npos);
}

TEST(LlmThresholds, ParseAndEvaluateTheNewMetrics) {
  const RunStats run = llm_run();
  load::RunMetrics metrics(run);
  scenario::ThresholdEvaluator evaluator({scenario::parse_threshold_cli("ttft:p(95)<500"),
                                          scenario::parse_threshold_cli("itl{name:chat}:p(99)<100"),
                                          scenario::parse_threshold_cli("tpot:med<=20.01"),
                                          scenario::parse_threshold_cli("e2e:max<1001"),
                                          scenario::parse_threshold_cli("output_tokens:rate>99"),
                                          scenario::parse_threshold_cli("goodput:rate>=9"),
                                          scenario::parse_threshold_cli("slo_attainment:rate>0.95")});
  auto evaluation = evaluator.evaluate(metrics, std::chrono::steady_clock::now());
  ASSERT_EQ(evaluation.results.size(), 7u);
  for (size_t i = 0; i < 6; ++i) EXPECT_TRUE(evaluation.results[i].passed) << evaluation.results[i].expression;
  EXPECT_FALSE(evaluation.results[6].passed);
  EXPECT_NEAR(evaluation.results[6].observed, 36.0 / 44.0, 1e-9);
  EXPECT_NEAR(*metrics.value("ttft", "chat", "p(50)"), 304.127, 0.001);
  EXPECT_FALSE(metrics.value("ttft", "/health", "p(50)"));  // no stream there
  EXPECT_THROW(scenario::parse_threshold_cli("ttft:rate<1"), scenario::ThresholdError);
  EXPECT_THROW(scenario::parse_threshold_cli("slo_attainment:p(95)>1"), scenario::ThresholdError);
}

}  // namespace
}  // namespace ragscale::output
