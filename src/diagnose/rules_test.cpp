#include "diagnose/rules.h"

#include <gtest/gtest.h>

#include <functional>

#include "diagnose/diagnosis.h"
#include "stats/stats_shard.h"

namespace ragscale::diagnose {
namespace {

// A run of `seconds` seconds; `per_second(s)` gives that second's {requests, failures,
// latency µs, users}.
struct Second {
  int requests = 100;
  int failures = 0;
  uint64_t latency_us = 10'000;
  int users = 10;
};

output::RunSummary run_of(int seconds, const std::function<Second(int)>& per_second) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/");
  output::RunSummary summary;
  summary.stats.begin(1000.0);
  for (int s = 0; s < seconds; ++s) {
    const Second second = per_second(s);
    for (int i = 0; i < second.requests - second.failures; ++i) shard.record_success(id, second.latency_us, 10);
    for (int i = 0; i < second.failures; ++i) shard.record_failure(id, second.latency_us, 0, ErrorKind::kTimeout, "timeout");
    summary.stats.add(shard.take_interval());
    summary.stats.close_second(1000.0 + s + 1, second.users);
  }
  summary.stats.finish(1000.0 + seconds);
  summary.info.settings = {{"model", "closed"}, {"threads", "1"}};
  return summary;
}

// A run with the same figures every second.
output::RunSummary run_of(int seconds, Second every) {
  return run_of(seconds, [every](int) { return every; });
}

// A scraped series of `metric` with value f(t) each second.
void scrape(output::RunSummary& summary, const std::string& url, const std::string& key, int seconds,
            const std::function<double(int)>& f) {
  metrics::ScrapedTarget* target = nullptr;
  for (auto& held : summary.info.scraped) {
    if (held.url == url) target = &held;
  }
  if (!target) {
    summary.info.scraped.push_back({});
    target = &summary.info.scraped.back();
    target->url = url;
  }
  for (int s = 1; s <= seconds; ++s) target->series[key].push_back({double(s), f(s)});
}

// The same with one value throughout.
void scrape(output::RunSummary& summary, const std::string& url, const std::string& key, int seconds, double value) {
  scrape(summary, url, key, seconds, [value](int) { return value; });
}

const Second kSteady{};

// A run of `seconds` seconds that is `base` except `during` in the seconds [from, to).
output::RunSummary run_with(int seconds, int from, int to, Second during, Second base = kSteady) {
  return run_of(seconds, [=](int s) { return s >= from && s < to ? during : base; });
}

TEST(DiagnoseRulesTest, AHealthyRunHasNoFinding) {
  output::RunSummary summary = run_of(30, kSteady);
  scrape(summary, "generator", "ragscale_load_cpu_cores", 30, 0.3);
  scrape(summary, "serve", "ragscale_cache_hits_total", 30, 80);
  scrape(summary, "serve", "ragscale_cache_misses_total", 30, 20);
  scrape(summary, "serve", "process_resident_memory_bytes", 30, 50e6);
  scrape(summary, "generator", "ragscale_load_loop_lag_seconds", 30, 0.0004);
  scrape(summary, "serve", "process_cpu_seconds_total", 30, 0.6);
  scrape(summary, "serve", "ragscale_cpu_cores_available", 30, 2);
  scrape(summary, "serve", "ragscale_worker_threads_busy", 30, 1);
  scrape(summary, "serve", "ragscale_worker_threads", 30, 4);
  const Diagnosis diagnosis = diagnose_run(RunEvidence(summary));
  EXPECT_TRUE(diagnosis.findings.empty()) << diagnosis.findings.front().title;
  EXPECT_DOUBLE_EQ(diagnosis.availability, 1.0);
  EXPECT_TRUE(diagnosis.scraped);
}

TEST(DiagnoseRulesTest, TheGeneratorAtItsThreadsLimit) {
  output::RunSummary summary = run_of(30, kSteady);
  scrape(summary, "generator", "ragscale_load_cpu_cores", 30, 0.97);
  const auto finding = check_generator_saturated(RunEvidence(summary));
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->rule, "generator_saturated");
  EXPECT_NE(finding->evidence[0].find("0.97 cores with 1 generator thread"), std::string::npos);
  EXPECT_NE(finding->evidence[0].find("threshold: 85%"), std::string::npos);
}

TEST(DiagnoseRulesTest, APlateauNamesTheQueueThatFilled) {
  // Users grow from 10 to 40; requests/s stay at 100 and latency grows with the users.
  output::RunSummary summary = run_of(40, [](int s) {
    Second second;
    second.users = 10 + s * 30 / 40;
    second.latency_us = uint64_t(second.users) * 10'000;
    return second;
  });
  scrape(summary, "sim", "ragscale_sim_active_generations", 40, 8);
  scrape(summary, "sim", "ragscale_sim_generation_slots", 40, 8);
  scrape(summary, "serve", "ragscale_worker_queue", 40, 0);
  const Diagnosis diagnosis = diagnose_run(RunEvidence(summary));
  ASSERT_FALSE(diagnosis.findings.empty());
  const Finding& top = diagnosis.findings.front();
  EXPECT_EQ(top.rule, "throughput_plateau");
  bool slots = false;
  for (const auto& line : top.evidence) slots = slots || line.find("generation slots were full") != std::string::npos;
  EXPECT_TRUE(slots);
  EXPECT_NE(top.advice.find("generation slots"), std::string::npos) << top.advice;
}

TEST(DiagnoseRulesTest, GrowingThroughputIsNoPlateau) {
  output::RunSummary summary = run_of(40, [](int s) {
    Second second;
    second.users = 10 + s;
    second.requests = 10 * second.users;
    return second;
  });
  EXPECT_FALSE(check_throughput_plateau(RunEvidence(summary)));
}

TEST(DiagnoseRulesTest, SubMillisecondJitterAtAConstantRateIsNoPlateau) {
  // An open-model run at 500/s against a fast target: requests/s is flat by design and
  // the p95 doubles from 0.2 to 0.4 ms on scheduling noise alone.
  auto jitter = [](int s) { return Second{.requests = 500, .latency_us = s < 20 ? 200u : 400u}; };
  EXPECT_FALSE(check_throughput_plateau(RunEvidence(run_of(40, jitter))));
  // The same doubling from 20 ms to 40 ms is a target slowing down.
  auto slowing = [](int s) { return Second{.requests = 500, .latency_us = s < 20 ? 20'000u : 40'000u}; };
  EXPECT_TRUE(check_throughput_plateau(RunEvidence(run_of(40, slowing))));
}

TEST(DiagnoseRulesTest, RateLimitingFromTheModelAndTheLoad) {
  output::RunSummary summary = run_of(20, kSteady);
  scrape(summary, "sim", "ragscale_sim_rate_limited_total{limit=\"rpm\"}", 20, [](int s) { return s > 10 ? 5.0 : 0.0; });
  const auto finding = check_rate_limited(RunEvidence(summary));
  ASSERT_TRUE(finding);
  EXPECT_NE(finding->evidence[0].find("refused about 50 requests with 429"), std::string::npos);
  EXPECT_FALSE(check_rate_limited(RunEvidence(run_of(20, kSteady))));
  // serve's own count of the model's 429s, without a sim to scrape.
  output::RunSummary behind_serve = run_of(20, kSteady);
  scrape(behind_serve, "serve", "ragscale_backend_requests_total{backend=\"llm\",outcome=\"rate_limited\"}", 20, 2.0);
  scrape(behind_serve, "serve", "ragscale_backend_requests_total{backend=\"llm\",outcome=\"overloaded\"}", 20, 9.0);
  const auto from_serve = check_rate_limited(RunEvidence(behind_serve));
  ASSERT_TRUE(from_serve);
  ASSERT_EQ(from_serve->evidence.size(), 1u) << "serve's own full queue is not rate limiting";
  EXPECT_NE(from_serve->evidence[0].find("refused with 429 about 40 times"), std::string::npos) << from_serve->evidence[0];
}

TEST(DiagnoseRulesTest, ALowCacheHitRate) {
  output::RunSummary summary = run_of(20, kSteady);
  scrape(summary, "serve", "ragscale_cache_hits_total", 20, 30);
  scrape(summary, "serve", "ragscale_cache_misses_total", 20, 70);
  const auto finding = check_cache_hit_rate(RunEvidence(summary));
  ASSERT_TRUE(finding);
  EXPECT_NE(finding->title.find("30.0%"), std::string::npos);
  EXPECT_NE(finding->evidence[0].find("threshold: 60%"), std::string::npos);
}

TEST(DiagnoseRulesTest, TheCacheEntriesSayWhyItMissed) {
  auto with_entries = [](const std::function<double(int)>& entries) {
    output::RunSummary summary = run_of(20, kSteady);
    scrape(summary, "serve", "ragscale_cache_hits_total", 20, 0.0);
    scrape(summary, "serve", "ragscale_cache_misses_total", 20, 50.0);  // about 1,000 misses
    scrape(summary, "serve", "ragscale_cache_entries", 20, entries);
    return check_cache_hit_rate(RunEvidence(summary));
  };
  const auto off = with_entries([](int) { return 0.0; });
  ASSERT_TRUE(off);
  EXPECT_NE(off->evidence[1].find("stayed 0"), std::string::npos);
  EXPECT_NE(off->advice.find("turn the query cache on"), std::string::npos);
  // An entry per miss and none evicted: the questions never repeated, and no cache helps.
  EXPECT_FALSE(with_entries([](int s) { return 50.0 * s; }));
  // Full at 100 entries while 1,000 questions missed: repeated questions were pushed out.
  const auto small = with_entries([](int s) { return std::min(100.0, 50.0 * s); });
  ASSERT_TRUE(small);
  EXPECT_NE(small->advice.find("enlarge the cache"), std::string::npos);
}

TEST(DiagnoseRulesTest, MemoryGrowthIsProjected) {
  output::RunSummary summary = run_of(60, kSteady);
  scrape(summary, "serve", "process_resident_memory_bytes", 60, [](int s) { return 100e6 + s * 1e6; });
  const auto finding = check_memory_growth(RunEvidence(summary));
  ASSERT_TRUE(finding);
  EXPECT_NE(finding->title.find("3600.0 MB an hour"), std::string::npos);  // 1 MB/s
  EXPECT_NE(finding->evidence[1].find("doubles"), std::string::npos);
}

TEST(DiagnoseRulesTest, ErrorBurstsWithTheirKinds) {
  output::RunSummary summary = run_with(30, 10, 13, {.failures = 40});
  const Diagnosis diagnosis = diagnose_run(RunEvidence(summary));
  // The burst is also an outage the target recovered from, a milder finding.
  ASSERT_EQ(diagnosis.findings.size(), 2u);
  EXPECT_EQ(diagnosis.findings[1].rule, "recovery");
  const Finding& burst = diagnosis.findings.front();
  EXPECT_EQ(burst.rule, "error_bursts");
  EXPECT_NE(burst.title.find("1 burst(s) of errors, 120 failed"), std::string::npos);
  EXPECT_NE(burst.evidence.back().find("timeout"), std::string::npos);
  EXPECT_NEAR(diagnosis.availability, 1 - 120.0 / 3000, 1e-12);
}

TEST(DiagnoseRulesTest, TheGeneratorsLoopsRunningLate) {
  output::RunSummary summary = run_of(30, kSteady);
  scrape(summary, "generator", "ragscale_load_cpu_cores", 30, 0.4);
  scrape(summary, "generator", "ragscale_load_loop_lag_seconds", 30, [](int s) { return s % 2 ? 0.015 : 0.025; });
  scrape(summary, "generator", "ragscale_load_loop_lag_mean_seconds", 30, 0.004);
  const auto finding = check_generator_saturated(RunEvidence(summary));
  ASSERT_TRUE(finding);
  ASSERT_EQ(finding->evidence.size(), 1u);
  EXPECT_NE(finding->evidence[0].find("median of 25.0 ms and reached 25.0 ms"), std::string::npos)
      << finding->evidence[0];
  EXPECT_NE(finding->evidence[0].find("threshold: median ≥ 10 ms and ≥ 10% of the run's median latency, 10.0 ms"),
            std::string::npos) << finding->evidence[0];
  EXPECT_NE(finding->evidence[0].find("mean lag was 4.0 ms"), std::string::npos);
}

TEST(DiagnoseRulesTest, AFewLateTimersAreNoSaturatedGenerator) {
  output::RunSummary summary = run_of(30, kSteady);
  // Three scheduler hiccups of 50 ms in 30 s; the loops are otherwise on time.
  scrape(summary, "generator", "ragscale_load_loop_lag_seconds", 30,
         [](int s) { return s == 8 || s == 15 || s == 22 ? 0.050 : 0.0008; });
  EXPECT_FALSE(check_generator_saturated(RunEvidence(summary)));
  // 25 ms late on answers of 2 s: the generator's delay is too small a share to matter.
  output::RunSummary slow = run_with(30, 0, 30, {.latency_us = 2'000'000});
  scrape(slow, "generator", "ragscale_load_loop_lag_seconds", 30, 0.025);
  EXPECT_FALSE(check_generator_saturated(RunEvidence(slow)));
}

// Users grow from 10 to 40 while requests/s stay at 100 and latency grows with the users.
output::RunSummary plateau_run() {
  return run_of(40, [](int s) {
    Second second;
    second.users = 10 + s * 30 / 40;
    second.latency_us = uint64_t(second.users) * 10'000;
    return second;
  });
}

TEST(DiagnoseRulesTest, ACpuBoundTargetOutranksItsPlateauButNotTheGenerator) {
  output::RunSummary summary = plateau_run();
  scrape(summary, "serve", "process_cpu_seconds_total", 40, 1.9);
  scrape(summary, "serve", "ragscale_cpu_cores_available", 40, 2);
  scrape(summary, "serve", "ragscale_worker_threads_busy", 40, 4);
  scrape(summary, "serve", "ragscale_worker_threads", 40, 4);
  scrape(summary, "serve", "ragscale_worker_queue_wait_seconds:p95", 40, 0.042);
  scrape(summary, "sim", "process_cpu_seconds_total", 40, 0.2);
  scrape(summary, "sim", "ragscale_cpu_cores_available", 40, 2);
  const auto finding = check_cpu_bound_target(RunEvidence(summary));
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->title, "serve was CPU-bound: 1.90 of 2 cores busy");
  ASSERT_EQ(finding->evidence.size(), 3u);  // serve only: the sim used a tenth of its cores
  EXPECT_NE(finding->evidence[0].find("1.90 CPU-seconds a second with 2 cores available"), std::string::npos)
      << finding->evidence[0];
  EXPECT_NE(finding->evidence[0].find("95% over the middle 80% of the run (threshold: 85%)"), std::string::npos);
  EXPECT_NE(finding->evidence[1].find("busy averaged 4.0 of 4"), std::string::npos) << finding->evidence[1];
  EXPECT_NE(finding->evidence[2].find("waited 42.0 ms"), std::string::npos) << finding->evidence[2];

  std::vector<std::string> ranked;
  for (const auto& f : diagnose_run(RunEvidence(summary)).findings) ranked.push_back(f.rule);
  ASSERT_GE(ranked.size(), 2u);
  EXPECT_EQ(ranked[0], "cpu_bound_target");
  EXPECT_EQ(ranked[1], "throughput_plateau");
  scrape(summary, "generator", "ragscale_load_cpu_cores", 40, 0.99);
  EXPECT_EQ(diagnose_run(RunEvidence(summary)).findings.front().rule, "generator_saturated");
}

TEST(DiagnoseRulesTest, NoCpuBoundTargetBelowTheThresholdOrWithoutItsCores) {
  output::RunSummary summary = run_of(30, kSteady);
  scrape(summary, "serve", "process_cpu_seconds_total", 30, 1.6);  // 80% of 2
  scrape(summary, "serve", "ragscale_cpu_cores_available", 30, 2);
  scrape(summary, "exporter", "process_cpu_seconds_total", 30, 3.9);  // cores unknown
  EXPECT_FALSE(check_cpu_bound_target(RunEvidence(summary)));
}

TEST(DiagnoseRulesTest, APlateauNamesBusyWorkerThreadsAndGrowingWaits) {
  output::RunSummary summary = plateau_run();
  scrape(summary, "serve", "ragscale_worker_threads_busy", 40, 8);
  scrape(summary, "serve", "ragscale_worker_threads", 40, 8);
  scrape(summary, "serve", "ragscale_worker_queue_wait_seconds:p95", 40, [](int s) { return s * 0.004; });
  scrape(summary, "serve", "ragscale_llm_queue_wait_seconds:p95", 40, 0.002);  // flat
  scrape(summary, "serve", "ragscale_backend_in_flight{backend=\"llm\"}", 40, 3);
  const auto finding = check_throughput_plateau(RunEvidence(summary));
  ASSERT_TRUE(finding);
  std::vector<std::string> queues(finding->evidence.begin() + 2, finding->evidence.end());
  ASSERT_EQ(queues.size(), 2u) << ::testing::PrintToString(queues);
  EXPECT_EQ(queues[0], "serve's worker threads were full: ragscale_worker_threads_busy 8.0 of 8 (threshold: 95%)");
  EXPECT_NE(queues[1].find("the wait for one of serve's worker threads grew: "
                           "ragscale_worker_queue_wait_seconds:p95"), std::string::npos) << queues[1];
  EXPECT_NE(queues[1].find(" ms → "), std::string::npos);
  EXPECT_NE(finding->advice.find("(serve's worker threads were full)"), std::string::npos) << finding->advice;
}

// The load's p95 is over a 10-s window: a slow stretch holds it up for 10 s after.
TEST(DiagnoseRulesTest, ALatencySpikeAndTheTimeToRecover) {
  output::RunSummary summary = run_with(60, 20, 25, {.latency_us = 100'000});
  const auto finding = check_recovery(RunEvidence(summary));
  ASSERT_TRUE(finding);
  EXPECT_EQ(finding->rule, "recovery");
  EXPECT_LT(finding->severity, 0.5);
  EXPECT_NE(finding->title.find("1 latency or failure event(s): recovered within 14 s"), std::string::npos)
      << finding->title;
  EXPECT_NE(finding->evidence[0].find("≥ 2× the baseline"), std::string::npos) << finding->evidence[0];
  EXPECT_NE(finding->evidence[0].find("held 5 s"), std::string::npos);
  EXPECT_NE(finding->evidence[1].find("t = 21 s: p95 10 → peak 100 ms"), std::string::npos) << finding->evidence[1];
  EXPECT_NE(finding->evidence[1].find("recovered after 14 s"), std::string::npos);
}

TEST(DiagnoseRulesTest, AnOutageIsAnEventUntilFailuresAreBack) {
  output::RunSummary summary = run_with(40, 20, 23, {.failures = 50});
  const auto finding = check_recovery(RunEvidence(summary));
  ASSERT_TRUE(finding);
  // The 5-s failure window clears 5 s after the last failing second.
  EXPECT_NE(finding->evidence[1].find("failures 0.0% → peak 30.0%; recovered after 7 s"), std::string::npos)
      << finding->evidence[1];
}

TEST(DiagnoseRulesTest, ALoadStepThatRaisedLatencyForGoodIsNotRecovered) {
  output::RunSummary summary = run_with(50, 30, 50, {.latency_us = 40'000, .users = 30});
  const auto finding = check_recovery(RunEvidence(summary));
  ASSERT_TRUE(finding);
  EXPECT_GT(finding->severity, 0.5);
  EXPECT_NE(finding->title.find("not recovered by the end of the run"), std::string::npos) << finding->title;
  EXPECT_NE(finding->evidence[1].find("t = 31 s: p95 10 → peak 40 ms"), std::string::npos) << finding->evidence[1];
}

TEST(DiagnoseRulesTest, ASteadyRunOrSubMillisecondJitterHasNoEvent) {
  EXPECT_FALSE(check_recovery(RunEvidence(run_of(60, kSteady))));
  // A fast target whose p95 triples from 0.3 to 0.9 ms: scheduling noise, not a spike.
  EXPECT_FALSE(check_recovery(RunEvidence(run_with(60, 30, 35, {.latency_us = 900}, {.latency_us = 300}))));
}

}  // namespace
}  // namespace ragscale::diagnose
