#include "capacity/capacity_options.h"

#include <gtest/gtest.h>

#include <stdexcept>
#include <string>
#include <vector>

namespace ragscale::capacity {
namespace {

CapacityOptions parse(std::vector<std::string> args) {
  args.insert(args.begin(), "capacity");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  return parse_capacity_options(static_cast<int>(argv.size()), argv.data());
}

std::string error_of(std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(CapacityOptions, ReadsItsOwnFlagsAndPassesTheLoadOnesThrough) {
  const CapacityOptions options =
      parse({"http://127.0.0.1:8080/", "--slo", "http_req_failed:rate<0.01", "--slo=http_req_duration:p(95)<2000",
             "--by", "users", "--start", "4", "--max", "64", "--step-time", "5s", "--cooldown", "0",
             "--tolerance", "2%", "--json", "cap.json", "-X", "POST", "--header", "A: b", "--timeout", "2s"});
  EXPECT_EQ(options.slos.size(), 2u);
  EXPECT_EQ(options.by, CapacityOptions::By::kUsers);
  EXPECT_EQ(*options.start, 4);
  EXPECT_EQ(*options.max, 64);
  EXPECT_EQ(options.step_time, std::chrono::seconds(5));
  EXPECT_EQ(*options.max_step_time, std::chrono::seconds(15));
  EXPECT_EQ(options.cooldown.count(), 0);
  EXPECT_DOUBLE_EQ(options.tolerance, 0.02);
  EXPECT_EQ(*options.json_file, "cap.json");
  EXPECT_EQ(*options.load.url, "http://127.0.0.1:8080/");
  EXPECT_EQ(options.load.method, "POST");
  EXPECT_EQ(options.load.headers.size(), 1u);
  EXPECT_DOUBLE_EQ(parse({"u", "--tolerance", "0.1"}).tolerance, 0.1);
}

TEST(CapacityOptions, RefusesWhatTheSearchDecidesAndBadValuesInItsOwnName) {
  EXPECT_NE(error_of({"u", "--rate", "100"}).find("--rate: not a capacity option"), std::string::npos);
  EXPECT_NE(error_of({"u", "-t", "1m"}).find("-t/--run-time"), std::string::npos);
  EXPECT_NE(error_of({"u", "--threshold", "x"}).find("--slo"), std::string::npos);
  EXPECT_NE(error_of({"u", "--by", "speed"}).find("--by: 'speed'"), std::string::npos);
  EXPECT_NE(error_of({"u", "--start", "0"}).find("--start"), std::string::npos);
  EXPECT_NE(error_of({"u", "--start", "10", "--max", "5"}).find("above --max"), std::string::npos);
  EXPECT_NE(error_of({"u", "--tolerance", "150%"}).find("too coarse"), std::string::npos);
  EXPECT_NE(error_of({"u", "--step-time", "10s", "--max-step-time", "5s"}).find("--max-step-time"),
            std::string::npos);
  EXPECT_NE(error_of({"u", "--by", "users", "--arrivals", "poisson"}).find("--arrivals"), std::string::npos);
  // The load parser's own errors speak of this command.
  const std::string unknown = error_of({"u", "--bogus"});
  EXPECT_EQ(unknown, "ragscale capacity: --bogus: unknown option (see ragscale capacity --help)");
}

}  // namespace
}  // namespace ragscale::capacity
