#include "load/llm/slo.h"

#include <gtest/gtest.h>

#include <vector>

namespace ragscale::load::llm {
namespace {

TEST(Slo, ParsesMetricsOperatorsAndDurations) {
  Slo ttft = parse_slo("ttft<500ms");
  EXPECT_EQ(ttft.metric, SloMetric::kTtft);
  EXPECT_FALSE(ttft.inclusive);
  EXPECT_EQ(ttft.limit_us, 500'000u);
  Slo tpot = parse_slo("tpot <= 50");  // a bare number is milliseconds
  EXPECT_EQ(tpot.metric, SloMetric::kTpot);
  EXPECT_TRUE(tpot.inclusive);
  EXPECT_EQ(tpot.limit_us, 50'000u);
  EXPECT_EQ(parse_slo("e2e<10s").limit_us, 10'000'000u);
  EXPECT_EQ(parse_slo("itl<100ms").metric, SloMetric::kItl);
  EXPECT_EQ(parse_slo("latency<1s").metric, SloMetric::kLatency);
}

TEST(Slo, RejectsBadTextWithTheForm) {
  for (const char* bad : {"ttft>500ms", "speed<5ms", "ttft<", "ttft<fast", "ttft<0ms"}) {
    try {
      parse_slo(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("--slo 'ttft<500ms'"), std::string::npos) << error.what();
    }
  }
}

TEST(Slo, JudgesEachMetricAsVllmGoodputDoes) {
  RequestFigures request;
  request.latency_us = 2'000'000;
  request.ttft_us = 400'000;
  request.tpot_us = 40'000;
  request.max_itl_us = 90'000;
  EXPECT_TRUE(meets(parse_slo("ttft<500ms"), request));
  EXPECT_FALSE(meets(parse_slo("ttft<400ms"), request));
  EXPECT_TRUE(meets(parse_slo("ttft<=400ms"), request));
  EXPECT_TRUE(meets(parse_slo("tpot<50ms"), request));
  EXPECT_FALSE(meets(parse_slo("itl<50ms"), request));  // the largest gap
  EXPECT_FALSE(meets(parse_slo("e2e<2s"), request));
  std::vector<Slo> slos = {parse_slo("ttft<500ms"), parse_slo("tpot<50ms")};
  EXPECT_TRUE(meets_all(slos, request));
  slos.push_back(parse_slo("latency<1s"));
  EXPECT_FALSE(meets_all(slos, request));
}

TEST(Slo, AnUnstreamedRequestsTtftIsItsLatencyAndItsTpotZero) {
  RequestFigures request;
  request.latency_us = 700'000;
  EXPECT_FALSE(meets(parse_slo("ttft<500ms"), request));
  EXPECT_TRUE(meets(parse_slo("tpot<1ms"), request));
}

}  // namespace
}  // namespace ragscale::load::llm
