#include "capacity/saturation.h"

#include <gtest/gtest.h>

namespace ragscale::capacity {
namespace {

SecondObservation at(double t, uint64_t iterations, uint64_t in_flight, uint64_t dropped = 0, uint64_t late = 0) {
  return {t, iterations, dropped, late, in_flight};
}

TEST(CapacitySaturation, AStableStepNeverSaturatesWhateverItsNoise) {
  SaturationDetector detector(100);
  const uint64_t in_flight[] = {50, 52, 49, 51, 53, 50, 48, 52, 51, 50, 49, 53, 50, 51, 52};
  uint64_t done = 0;
  for (int t = 1; t <= 15; ++t) {
    done += 100;
    EXPECT_FALSE(detector.observe(at(t, done, in_flight[t - 1]))) << t;
  }
  EXPECT_FALSE(detector.rising());
}

TEST(CapacitySaturation, DroppedArrivalsSaturateAtOnce) {
  SaturationDetector detector(100);
  const auto reason = detector.observe(at(1, 100, 1000, 3));
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("3 arrivals dropped"), std::string::npos) << *reason;
}

TEST(CapacitySaturation, AchievedFarBelowOfferedSaturates) {
  SaturationDetector detector(100);
  uint64_t done = 0;
  std::optional<std::string> reason;
  for (int t = 1; t <= 5 && !reason; ++t) {
    done += 40;
    reason = detector.observe(at(t, done, 60));
  }
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("achieved 40.0 it/s of 100.0"), std::string::npos) << *reason;
}

TEST(CapacitySaturation, InFlightRisingWithoutBoundSaturates) {
  // 17/s offered against 16/s served: one more in flight each second.
  SaturationDetector detector(17);
  uint64_t done = 0;
  std::optional<std::string> reason;
  int t = 1;
  for (; t <= 30 && !reason; ++t) {
    done += 16;
    reason = detector.observe(at(t, done, 8 + static_cast<uint64_t>(t)));
  }
  ASSERT_TRUE(reason);
  EXPECT_NE(reason->find("in flight rose"), std::string::npos) << *reason;
  EXPECT_LE(t, 12);
}

TEST(CapacitySaturation, ASmallRiseIsRisingBeforeItIsSaturation) {
  SaturationDetector detector(16.2);
  uint64_t done = 0;
  for (int t = 1; t <= 10; ++t) {
    done += 16;
    EXPECT_FALSE(detector.observe(at(t, done, 8 + static_cast<uint64_t>(t) / 2)));
  }
  EXPECT_TRUE(detector.rising());
}

}  // namespace
}  // namespace ragscale::capacity
