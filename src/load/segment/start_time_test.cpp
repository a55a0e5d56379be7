#include "load/segment/start_time.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>

namespace ragscale::load {
namespace {

constexpr double kNow = 1796221200;  // 2026-12-02T14:20:00Z

TEST(StartTimeTest, ReadsRfc3339InUtcAndWithOffsets) {
  EXPECT_DOUBLE_EQ(parse_start_time("2026-12-02T14:20:00Z", kNow), kNow);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-12-02T14:20:30.25Z", kNow), kNow + 30.25);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-12-02T15:20:00+01:00", kNow), kNow);
  EXPECT_DOUBLE_EQ(parse_start_time("2026-12-02 09:20:00-05:00", kNow), kNow);
  EXPECT_DOUBLE_EQ(parse_start_time("1970-01-01T00:00:00Z", kNow), 0);
  EXPECT_DOUBLE_EQ(parse_start_time("2000-03-01T00:00:00Z", kNow), 951868800);
}

TEST(StartTimeTest, ReadsADelayFromNow) {
  EXPECT_DOUBLE_EQ(parse_start_time("+30s", kNow), kNow + 30);
  EXPECT_DOUBLE_EQ(parse_start_time("+1m30s", kNow), kNow + 90);
}

TEST(StartTimeTest, BadTimesSayWhatIsWrongWithAnExample) {
  for (const char* text : {"", "2026-12-02T14:20:00", "2026-13-02T14:20:00Z", "2026-12-02X14:20:00Z",
                           "2026-12-02T14:20Z", "+soon", "2026-12-02T14:20:00Zjunk", "2026-12-09T14:20:00Z"}) {
    try {
      parse_start_time(text, kNow);
      ADD_FAILURE() << text << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find("2026-12-02T15:00:00Z"), std::string::npos) << error.what();
    }
  }
}

TEST(StartTimeTest, FormatsWhatItReads) {
  EXPECT_EQ(format_rfc3339(kNow + 0.25), "2026-12-02T14:20:00.250Z");
  EXPECT_DOUBLE_EQ(parse_start_time(format_rfc3339(kNow + 12.5), kNow), kNow + 12.5);
}

TEST(StartTimeTest, WaitsUntilTheStartOrAStop) {
  const double start = unix_time_now() + 0.1;
  const double late = wait_until(start, nullptr);
  EXPECT_GE(late, 0);
  EXPECT_GE(unix_time_now(), start);
  EXPECT_LT(wait_until(unix_time_now() + 60, [] { return true; }), 0);
}

}  // namespace
}  // namespace ragscale::load
