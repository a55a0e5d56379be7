#include "common/duration.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ragscale {
namespace {

using std::chrono::microseconds;

int64_t us(std::string_view text) { return parse_duration(text).count(); }

TEST(DurationParse, AcceptsUnitsAndCombinations) {
  EXPECT_EQ(us("250ms"), 250'000);
  EXPECT_EQ(us("10s"), 10'000'000);
  EXPECT_EQ(us("1m30s"), 90'000'000);
  EXPECT_EQ(us("2h"), 7'200'000'000);
  EXPECT_EQ(us("1.5s"), 1'500'000);
  EXPECT_EQ(us("500us"), 500);
  EXPECT_EQ(us("500\xC2\xB5s"), 500);
  EXPECT_EQ(us("1h2m3s"), 3'723'000'000);
  EXPECT_EQ(us("0.25ms"), 250);
  EXPECT_EQ(us(" 3s "), 3'000'000);
}

TEST(DurationParse, BareNumbersAreSeconds) {
  EXPECT_EQ(us("30"), 30'000'000);
  EXPECT_EQ(us("0.5"), 500'000);
  EXPECT_EQ(us("0"), 0);
}

TEST(DurationParse, RejectsBadInputWithHelpfulMessage) {
  for (const char* bad : {"abc", "", "10x", "-5s", "1m30", "s", ".s", "1.5.5s", "10 s", "99999999999999h"}) {
    std::string error;
    EXPECT_FALSE(try_parse_duration(bad, &error)) << bad;
    EXPECT_NE(error.find("bad duration '" + std::string(bad) + "'"), std::string::npos) << error;
    EXPECT_NE(error.find("e.g. 500ms, 10s, 2m, 1h"), std::string::npos) << error;
  }
  try {
    parse_duration("abc");
    FAIL() << "expected an exception";
  } catch (const std::invalid_argument& e) {
    EXPECT_STREQ(e.what(),
                 "bad duration 'abc': expected a number; use a number with a unit, e.g. 500ms, 10s, 2m, 1h");
  }
  std::string error;
  try_parse_duration("10x", &error);
  EXPECT_NE(error.find("unknown unit 'x'"), std::string::npos) << error;
}

TEST(DurationFormat, ReadsLikeAPersonWouldWriteIt) {
  EXPECT_EQ(format_duration(microseconds(120)), "120us");
  EXPECT_EQ(format_duration(microseconds(250'000)), "250ms");
  EXPECT_EQ(format_duration(microseconds(1'250)), "1.25ms");
  EXPECT_EQ(format_duration(microseconds(1'500'000)), "1.5s");
  EXPECT_EQ(format_duration(microseconds(10'000'000)), "10s");
  EXPECT_EQ(format_duration(microseconds(90'000'000)), "1m30s");
  EXPECT_EQ(format_duration(microseconds(7'500'000'000)), "2h5m");
  EXPECT_EQ(format_duration(microseconds(0)), "0us");
  EXPECT_EQ(format_duration(microseconds(-2'000'000)), "-2s");
}

TEST(DurationFormat, RoundTripsThroughParse) {
  for (int64_t value : {0L, 7L, 1'250L, 999'000L, 1'001'000L, 61'500'000L, 3'723'000'000L}) {
    EXPECT_EQ(us(format_duration(microseconds(value))), value) << value;
  }
}

}  // namespace
}  // namespace ragscale
