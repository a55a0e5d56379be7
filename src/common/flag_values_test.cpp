#include "common/flag_values.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace ragscale {
namespace {

std::string error_of(auto&& parse) {
  try {
    parse();
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "no error";
}

TEST(FlagValuesTest, NumbersCountsDurationsAndPercentages) {
  EXPECT_DOUBLE_EQ(parse_flag_number("ragscale x", "--rate", "12.5", 0), 12.5);
  EXPECT_EQ(parse_flag_count("ragscale x", "-u", "64"), 64u);
  EXPECT_EQ(parse_flag_duration("ragscale x", "--sync", "15s"), std::chrono::seconds(15));
  EXPECT_DOUBLE_EQ(parse_flag_percent("ragscale x", "--headroom", "20%"), 0.2);
  EXPECT_DOUBLE_EQ(parse_flag_percent("ragscale x", "--headroom", "0.2"), 0.2);
  EXPECT_DOUBLE_EQ(parse_flag_percent("ragscale x", "--headroom", "20"), 0.2);
  EXPECT_DOUBLE_EQ(parse_flag_percent("ragscale x", "--headroom", "0%"), 0);
}

TEST(FlagValuesTest, ErrorsNameTheCommandTheFlagAndTheText) {
  EXPECT_EQ(error_of([] { parse_flag_number("ragscale x", "--rate", "fast", 0); }),
            "ragscale x: --rate: 'fast' is not a number");
  EXPECT_EQ(error_of([] { parse_flag_number("ragscale x", "--rate", "-1", 0); }), "ragscale x: --rate: must be at least 0");
  EXPECT_EQ(error_of([] { parse_flag_count("ragscale x", "-u", "1.5"); }), "ragscale x: -u: '1.5' is not a whole number");
  EXPECT_NE(error_of([] { parse_flag_duration("ragscale x", "--sync", "soon"); }).find("ragscale x: --sync: "),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_flag_percent("ragscale x", "--headroom", "2O%"); }),
            "ragscale x: --headroom: '2O%' is not a percentage of 0 or more (e.g. 20%)");
  EXPECT_NE(error_of([] { parse_flag_percent("ragscale x", "--headroom", "-5%"); }), "no error");
}

}  // namespace
}  // namespace ragscale
