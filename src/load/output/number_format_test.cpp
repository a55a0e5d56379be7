#include "load/output/number_format.h"

#include <gtest/gtest.h>

namespace ragscale::output {
namespace {

TEST(NumberFormatTest, MillisecondsKeepThreeSignificantDigits) {
  EXPECT_EQ(format_ms(uint64_t{153}), "0.153");
  EXPECT_EQ(format_ms(uint64_t{15}), "0.015");
  EXPECT_EQ(format_ms(uint64_t{0}), "0.000");
  EXPECT_EQ(format_ms(uint64_t{1530}), "1.53");
  EXPECT_EQ(format_ms(uint64_t{20149}), "20.1");
  EXPECT_EQ(format_ms(uint64_t{153000}), "153");
  EXPECT_EQ(format_ms(uint64_t{1234567}), "1235");
  EXPECT_EQ(format_ms(99960.0), "100");
  EXPECT_EQ(format_ms(9999.0), "10.0");
  EXPECT_EQ(format_ms(-5.0), "0.000");
}

TEST(NumberFormatTest, WholeMillisecondsRoundHalfToEvenAsPython) {
  EXPECT_EQ(format_whole_ms(0), "0");
  EXPECT_EQ(format_whole_ms(75), "0");
  EXPECT_EQ(format_whole_ms(499), "0");
  EXPECT_EQ(format_whole_ms(500), "0");
  EXPECT_EQ(format_whole_ms(501), "1");
  EXPECT_EQ(format_whole_ms(1500), "2");
  EXPECT_EQ(format_whole_ms(2500), "2");
  EXPECT_EQ(format_whole_ms(20149), "20");
  EXPECT_EQ(format_whole_ms(1234567), "1235");
}

TEST(NumberFormatTest, DecimalsLookLikePythonFloats) {
  EXPECT_EQ(format_decimal(612.0), "612.0");
  EXPECT_EQ(format_decimal(12.345678912), "12.345679");
  EXPECT_EQ(format_decimal(0.5, 2), "0.5");
  EXPECT_EQ(format_decimal(0.0), "0.0");
  EXPECT_EQ(format_decimal(-0.0000001), "0.0");
}

}  // namespace
}  // namespace ragscale::output
