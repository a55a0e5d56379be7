#include "capacity/step_verdict.h"

#include <gtest/gtest.h>

#include <cmath>
#include <stdexcept>

#include "capacity/capacity_slo.h"
#include "capacity/counted_evidence.h"
#include "capacity/step_monitor.h"

namespace ragscale::capacity {
namespace {

TEST(CapacitySlo, AcceptsRatesAndPercentilesAndRefusesTheUndecidable) {
  const CapacitySlo rate = parse_capacity_slo("http_req_failed:rate<0.01");
  EXPECT_EQ(rate.kind, CapacitySlo::Kind::kProportion);
  EXPECT_TRUE(rate.is_ceiling());
  const CapacitySlo p95 = parse_capacity_slo("http_req_duration{name:/query}:p(95)<2000");
  EXPECT_EQ(p95.kind, CapacitySlo::Kind::kPercentile);
  EXPECT_DOUBLE_EQ(p95.quantile, 0.95);
  EXPECT_EQ(p95.threshold.name_filter, "/query");
  EXPECT_DOUBLE_EQ(parse_capacity_slo("ttft:med<500").quantile, 0.5);
  for (const char* bad : {"http_req_duration:avg<3", "http_req_duration:max<3", "http_reqs:rate>100",
                          "http_req_failed:rate==0", "http_req_failed:rate<0", "nonsense:p(95)<1",
                          "http_req_failed:rate<0.01;abort_on_fail", "http_req_failed:count<3"}) {
    try {
      parse_capacity_slo(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(bad), std::string::npos) << error.what();
    }
  }
}

TEST(CapacitySlo, SamplesForACleanPass) {
  // Wilson upper bound of 0 in n below 1% needs n >= 381; a p95 upper rank needs 72 samples.
  EXPECT_EQ(samples_for_clean_pass(parse_capacity_slo("http_req_failed:rate<0.01")), 381u);
  EXPECT_EQ(samples_for_clean_pass(parse_capacity_slo("http_req_duration:p(95)<2000")), 72u);
  EXPECT_EQ(samples_for_clean_pass(parse_capacity_slo("checks:rate>0.99")), 381u);
}

TEST(CapacityStepVerdict, AnErrorRateIsDecidedOnlyWhenItsIntervalClearsTheLimit) {
  const std::vector<CapacitySlo> slos{parse_capacity_slo("http_req_failed:rate<0.01")};
  CountedEvidence evidence;
  evidence.requests = 10000;
  evidence.hits = 50;  // 0.5%: [0.38%, 0.66%]
  EXPECT_EQ(judge_step(slos, evidence).verdict, Verdict::kPass);
  evidence.hits = 150;  // 1.5%: [1.28%, 1.76%]
  StepVerdict failed = judge_step(slos, evidence);
  EXPECT_EQ(failed.verdict, Verdict::kFail);
  EXPECT_EQ(failed.bound_by, "http_req_failed: rate<0.01");
  EXPECT_NE(failed.why.find("1.5%"), std::string::npos) << failed.why;
  evidence.hits = 95;  // 0.95%: the interval holds 1%
  StepVerdict open = judge_step(slos, evidence);
  EXPECT_EQ(open.verdict, Verdict::kUndecided);
  EXPECT_TRUE(open.estimate_meets);
  // The same estimate with 100 times the samples is decided.
  EXPECT_EQ(judge_step(slos, evidence, 100).verdict, Verdict::kPass);
  // Too few requests, none failed: 0 of 100 could still be 3.7%.
  evidence.requests = 100;
  evidence.hits = 0;
  EXPECT_EQ(judge_step(slos, evidence).verdict, Verdict::kUndecided);
}

TEST(CapacityStepVerdict, APercentileNeedsItsConfidenceRankOnTheRightSide) {
  const std::vector<CapacitySlo> slos{parse_capacity_slo("http_req_duration:p(95)<2000")};
  CountedEvidence evidence;
  for (int i = 0; i < 50; ++i) evidence.latency.record(500'000);
  StepVerdict few = judge_step(slos, evidence);
  EXPECT_EQ(few.verdict, Verdict::kUndecided);  // 50 < 72 samples
  EXPECT_NE(few.why.find("too few"), std::string::npos) << few.why;
  for (int i = 0; i < 50; ++i) evidence.latency.record(500'000);
  EXPECT_EQ(judge_step(slos, evidence).verdict, Verdict::kPass);
  // 10% of 1000 samples at 3 s: the p95 is 3 s, and its lower bound too.
  LatencyHistogram slow;
  for (int i = 0; i < 900; ++i) slow.record(500'000);
  for (int i = 0; i < 100; ++i) slow.record(3'000'000);
  evidence.latency = slow;
  const StepVerdict failed = judge_step(slos, evidence);
  EXPECT_EQ(failed.verdict, Verdict::kFail);
  EXPECT_NEAR(failed.slos[0].observed, 3000, 5);
}

TEST(CapacityStepVerdict, FloorsAreJudgedFromTheOtherSide) {
  const std::vector<CapacitySlo> slos{parse_capacity_slo("checks:rate>0.99")};
  CountedEvidence evidence;
  evidence.requests = 10000;
  evidence.hits = 9990;  // the evidence's hits are passes here
  EXPECT_EQ(judge_step(slos, evidence).verdict, Verdict::kPass);
  evidence.hits = 9700;
  EXPECT_EQ(judge_step(slos, evidence).verdict, Verdict::kFail);
}

TEST(CapacityStepVerdict, NoDataIsUndecidedAndDoesNotLookGood) {
  const std::vector<CapacitySlo> slos{parse_capacity_slo("ttft:p(95)<500")};
  const StepVerdict verdict = judge_step(slos, CountedEvidence{});
  EXPECT_EQ(verdict.verdict, Verdict::kUndecided);
  EXPECT_FALSE(verdict.estimate_meets);
}

TEST(CapacityStepMonitor, EndsAtTheStepTimeWhenDecidedAndGivesUpWhenExtendingIsFutile) {
  const std::vector<CapacitySlo> slos{parse_capacity_slo("http_req_failed:rate<0.01")};
  const StepTiming timing{10, 30, 5};
  CountedEvidence evidence;
  SecondObservation second;
  {
    StepMonitor monitor(slos, timing, std::nullopt);
    evidence.requests = 900;
    second.elapsed_seconds = 9;
    EXPECT_FALSE(monitor.observe(second, evidence));  // before the step time
    evidence.requests = 1000;
    second.elapsed_seconds = 10;
    EXPECT_TRUE(monitor.observe(second, evidence));  // 0 of 1000: decided
    EXPECT_EQ(monitor.finish(evidence).verdict, Verdict::kPass);
  }
  {
    StepMonitor monitor(slos, timing, std::nullopt);
    evidence.requests = 10000;
    evidence.hits = 85;  // 0.85%: [0.69%, 1.05%]; three times the samples would decide
    second.elapsed_seconds = 10;
    EXPECT_FALSE(monitor.observe(second, evidence));
    evidence.requests = 30000;
    evidence.hits = 255;
    second.elapsed_seconds = 30;
    EXPECT_TRUE(monitor.observe(second, evidence));
    EXPECT_EQ(monitor.finish(evidence).verdict, Verdict::kPass);
  }
  {
    StepMonitor monitor(slos, timing, std::nullopt);
    evidence.requests = 10000;
    evidence.hits = 99;  // 0.99%: not even 30 s at this estimate would decide
    second.elapsed_seconds = 10;
    EXPECT_TRUE(monitor.observe(second, evidence));
    EXPECT_EQ(monitor.finish(evidence).verdict, Verdict::kUndecided);
  }
}

}  // namespace
}  // namespace ragscale::capacity
