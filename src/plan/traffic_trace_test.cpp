#include "plan/traffic_trace.h"

#include <gtest/gtest.h>

namespace ragscale::plan {
namespace {

TEST(TrafficTraceTest, StagesRampLinearlyAndZeroLengthStagesJump) {
  const auto demand = trace_from_stages({"0s:100", "4s:500", "2s:500"});
  ASSERT_EQ(demand.size(), 6u);
  EXPECT_DOUBLE_EQ(demand[0], 200);
  EXPECT_DOUBLE_EQ(demand[3], 500);
  EXPECT_DOUBLE_EQ(demand[5], 500);
}

TEST(TrafficTraceTest, TheDailyCurveIsLowestAtTheStartAndHighestHalfWay) {
  const auto demand = trace_from_diurnal("100..2000/24h");
  ASSERT_EQ(demand.size(), 86'400u);
  EXPECT_NEAR(demand[0], 100, 1e-9);
  EXPECT_NEAR(demand[43'200], 2000, 1e-6);
  EXPECT_NEAR(demand[21'600], 1050, 1e-6);
}

TEST(TrafficTraceTest, MalformedTracesNameTheTextAndTheForm) {
  auto message = [](auto&& make) {
    try {
      make();
    } catch (const std::invalid_argument& error) {
      return std::string(error.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { trace_from_stages({"10m"}); }).find("DUR:RATE"), std::string::npos);
  EXPECT_NE(message([] { trace_from_stages({"soon:5"}); }).find("'soon' is not a duration"), std::string::npos);
  EXPECT_NE(message([] { trace_from_stages({"1m:-5"}); }).find("'-5' is not a rate"), std::string::npos);
  EXPECT_NE(message([] { trace_from_stages({"0s:5"}); }).find("0 s"), std::string::npos);
  EXPECT_NE(message([] { trace_from_stages({"800h:5"}); }).find("31 days"), std::string::npos);
  EXPECT_NE(message([] { trace_from_diurnal("100-2000/24h"); }).find("MIN..MAX/PERIOD"), std::string::npos);
  EXPECT_NE(message([] { trace_from_diurnal("500..100/1h"); }).find("below MIN"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::plan
