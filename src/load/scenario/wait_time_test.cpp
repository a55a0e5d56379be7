#include "load/scenario/wait_time.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ragscale::scenario {
namespace {

using namespace std::chrono_literals;

TEST(WaitTime, KindsProduceTheirWaits) {
  Rng rng(3);
  EXPECT_EQ(WaitSpec{}.next(rng, 5s), 0us);
  WaitSpec constant{WaitSpec::Kind::kConstant, 1s, 1s};
  EXPECT_EQ(constant.next(rng, 5s), 1s);
  WaitSpec pacing{WaitSpec::Kind::kPacing, 2s, 2s};
  EXPECT_EQ(pacing.next(rng, 500ms), 1500ms);
  EXPECT_EQ(pacing.next(rng, 3s), 0us);
  WaitSpec between = parse_wait_range("1s..3s");
  EXPECT_EQ(between.kind, WaitSpec::Kind::kBetween);
  for (int i = 0; i < 1000; ++i) {
    auto wait = between.next(rng, 0us);
    ASSERT_GE(wait, 1s);
    ASSERT_LE(wait, 3s);
  }
  EXPECT_EQ(between.describe(), "between 1s and 3s");
  EXPECT_EQ(parse_wait_range("250ms").describe(), "constant 250ms");
}

TEST(WaitTime, RejectsReversedRange) {
  EXPECT_THROW(parse_wait_range("3s..1s"), std::invalid_argument);
  EXPECT_THROW(parse_wait_range("1s..soon"), std::invalid_argument);
}

}  // namespace
}  // namespace ragscale::scenario
