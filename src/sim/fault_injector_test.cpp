#include "sim/fault_injector.h"

#include <gtest/gtest.h>

#include <map>

namespace ragscale::sim {
namespace {

using namespace std::chrono_literals;

std::map<FaultKind, int> tally(const FaultInjector& faults, int n, net::TimePoint now) {
  Random random(1);
  std::map<FaultKind, int> counts;
  for (int i = 0; i < n; ++i) ++counts[faults.decide(now, random).kind];
  return counts;
}

TEST(SimFaultInjector, NoFaultsByDefault) {
  FaultInjector faults;
  auto now = net::Clock::now();
  faults.set({}, now);
  EXPECT_EQ(tally(faults, 1000, now)[FaultKind::kNone], 1000);
}

TEST(SimFaultInjector, ErrorRateOneFailsEveryRequestWithTheStatus) {
  FaultInjector faults;
  auto now = net::Clock::now();
  FaultSettings settings;
  settings.error_rate = 1.0;
  settings.error_status = 503;
  faults.set(settings, now);
  Random random(1);
  for (int i = 0; i < 100; ++i) {
    auto decision = faults.decide(now, random);
    EXPECT_EQ(decision.kind, FaultKind::kError);
    EXPECT_EQ(decision.status, 503);
  }
}

TEST(SimFaultInjector, RatesSelectAboutThatShareOfRequests) {
  FaultInjector faults;
  auto now = net::Clock::now();
  FaultSettings settings;
  settings.error_rate = 0.1;
  settings.timeout_rate = 0.1;
  settings.reset_rate = 0.5;
  faults.set(settings, now);
  auto counts = tally(faults, 20000, now);
  EXPECT_NEAR(counts[FaultKind::kError], 2000, 200);
  EXPECT_NEAR(counts[FaultKind::kTimeout], 1800, 200);  // 0.9 * 0.1
  EXPECT_NEAR(counts[FaultKind::kReset], 8100, 300);    // 0.9 * 0.9 * 0.5
}

TEST(SimFaultInjector, SlowModeAddsADelayFromItsDistribution) {
  FaultInjector faults;
  auto now = net::Clock::now();
  FaultSettings settings;
  settings.slow_rate = 1.0;
  settings.slow_delay = Distribution::uniform(5e6, 10e6);
  faults.set(settings, now);
  Random random(2);
  for (int i = 0; i < 100; ++i) {
    auto decision = faults.decide(now, random);
    EXPECT_EQ(decision.kind, FaultKind::kNone);
    EXPECT_GE(decision.slow_delay, 5s);
    EXPECT_LT(decision.slow_delay, 10s);
  }
}

TEST(SimFaultInjector, OutageWindowsApplyOnlyInsideThem) {
  FaultInjector faults;
  auto start = net::Clock::now();
  FaultSettings settings;
  settings.outages.push_back({30s, 10s});
  faults.set(settings, start);
  Random random(3);
  EXPECT_EQ(faults.decide(start + 29s, random).kind, FaultKind::kNone);
  auto inside = faults.decide(start + 30s, random);
  EXPECT_EQ(inside.kind, FaultKind::kOutage);
  EXPECT_EQ(inside.status, 503);
  EXPECT_TRUE(faults.in_outage(start + 39s));
  EXPECT_FALSE(faults.in_outage(start + 40s));
}

TEST(SimFaultInjector, CurrentReportsWindowsFromNowAndDropsFinishedOnes) {
  FaultInjector faults;
  auto start = net::Clock::now();
  FaultSettings settings;
  settings.outages.push_back({0s, 5s});
  settings.outages.push_back({20s, 10s});
  faults.set(settings, start);
  auto later = faults.current(start + 8s);
  ASSERT_EQ(later.outages.size(), 1u);
  EXPECT_EQ(later.outages[0].start, 12s);
  EXPECT_EQ(later.outages[0].duration, 10s);
  auto during = faults.current(start + 25s);
  ASSERT_EQ(during.outages.size(), 1u);
  EXPECT_EQ(during.outages[0].start, 0s);
  EXPECT_EQ(during.outages[0].duration, 5s);
}

TEST(SimFaultSettings, JsonRoundTripAndEmptyHeals) {
  auto settings = parse_fault_settings_json(
      R"json({"error_rate":0.25,"error_status":503,"timeout_rate":0.1,"reset_rate":0.2,"slow_rate":0.5,)json"
      R"json("slow_delay":"uniform(1s, 2s)","outages":[{"start":"1s","duration":"2s"},"5s+1s",{"duration":3}],)json"
      R"json("outage_status":502})json");
  EXPECT_EQ(settings.error_rate, 0.25);
  EXPECT_EQ(settings.error_status, 503);
  EXPECT_EQ(settings.timeout_rate, 0.1);
  EXPECT_EQ(settings.reset_rate, 0.2);
  EXPECT_EQ(settings.slow_rate, 0.5);
  EXPECT_EQ(settings.slow_delay.kind(), DistributionKind::kUniform);
  ASSERT_EQ(settings.outages.size(), 3u);
  EXPECT_EQ(settings.outages[1].start, 5s);
  EXPECT_EQ(settings.outages[2].start, 0s);
  EXPECT_EQ(settings.outages[2].duration, 3s);
  EXPECT_EQ(settings.outage_status, 502);
  auto again = parse_fault_settings_json(fault_settings_json(settings));
  EXPECT_EQ(fault_settings_json(again), fault_settings_json(settings));
  EXPECT_FALSE(parse_fault_settings_json("{}").any());
  EXPECT_FALSE(parse_fault_settings_json("").any());
}

TEST(SimFaultSettings, BadJsonIsRefusedWithTheKey) {
  auto message = [](std::string_view json) {
    try {
      parse_fault_settings_json(json);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("accepted");
  };
  EXPECT_NE(message(R"({"error_rate": 2})").find("error_rate"), std::string::npos);
  EXPECT_NE(message(R"({"error_rate": "x"})").find("error_rate"), std::string::npos);
  EXPECT_NE(message(R"({"error_status": 200})").find("between 400 and 599"), std::string::npos);
  EXPECT_NE(message(R"({"eror_rate": 1})").find("unknown fault"), std::string::npos);
  EXPECT_NE(message(R"({"outages": [{"start": "1s"}]})").find("outages"), std::string::npos);
  EXPECT_NE(message(R"({"outages": ["10s"]})").find("START+DURATION"), std::string::npos);
  EXPECT_NE(message("[1]").find("JSON object"), std::string::npos);
  EXPECT_NE(message("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(message(R"({"outages":)" + std::string(400000, '[')).find("nested deeper than 64 levels"),
            std::string::npos);
}

}  // namespace
}  // namespace ragscale::sim
