#include "sim/sim_config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <vector>

namespace ragscale::sim {
namespace {

using namespace std::chrono_literals;

CommandLineOutcome parse(std::vector<std::string> args, SimConfig& config) {
  args.insert(args.begin(), "sim");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  return parse_sim_command_line(static_cast<int>(argv.size()), argv.data(), config);
}

std::string error_of(std::vector<std::string> args) {
  SimConfig config;
  try {
    parse(std::move(args), config);
  } catch (const std::invalid_argument& e) {
    return e.what();
  }
  return "accepted";
}

std::string write_temp(const std::string& text) {
  std::string path = ::testing::TempDir() + "sim_config_" + std::to_string(std::rand()) + ".yaml";
  std::ofstream(path) << text;
  return path;
}

TEST(SimConfig, ReadsTheIssueExample) {
  SimConfig config;
  EXPECT_EQ(parse({"--port", "8001", "--ttft", "300ms", "--itl=30ms", "--max-concurrency", "8", "--rpm", "500"}, config),
            CommandLineOutcome::kRun);
  EXPECT_EQ(config.port, 8001);
  EXPECT_EQ(config.time_to_first_token.first(), 300000);
  EXPECT_EQ(config.inter_token_latency.first(), 30000);
  EXPECT_EQ(config.max_concurrency, 8u);
  EXPECT_EQ(config.requests_per_minute, 500u);
}

TEST(SimConfig, ReadsFaultFlags) {
  SimConfig config;
  parse({"--error-rate", "0.5", "--error-status", "503", "--timeout-rate", "0.1", "--reset-rate", "0.2", "--slow-rate",
         "1", "--slow-delay", "uniform(5s, 10s)", "--outage", "30s+10s", "--outage", "2m+1s"},
        config);
  EXPECT_EQ(config.faults.error_rate, 0.5);
  EXPECT_EQ(config.faults.error_status, 503);
  EXPECT_EQ(config.faults.timeout_rate, 0.1);
  EXPECT_EQ(config.faults.reset_rate, 0.2);
  EXPECT_EQ(config.faults.slow_rate, 1.0);
  ASSERT_EQ(config.faults.outages.size(), 2u);
  EXPECT_EQ(config.faults.outages[0].start, 30s);
  EXPECT_EQ(config.faults.outages[0].duration, 10s);
  EXPECT_EQ(config.faults.outages[1].start, 120s);
}

TEST(SimConfig, HelpIsRecognised) {
  SimConfig config;
  EXPECT_EQ(parse({"--port", "1", "--help"}, config), CommandLineOutcome::kHelp);
}

TEST(SimConfig, BadFlagsGiveOneClearLine) {
  EXPECT_NE(error_of({"--prot", "1"}).find("unknown flag '--prot'"), std::string::npos);
  EXPECT_NE(error_of({"--port"}).find("--port needs a value"), std::string::npos);
  EXPECT_NE(error_of({"--port", "70000"}).find("--port: '70000' is not a whole number"), std::string::npos);
  EXPECT_NE(error_of({"--ttft", "fast"}).find("--ttft: 'fast' is not a distribution"), std::string::npos);
  EXPECT_NE(error_of({"--error-rate", "1.5"}).find("--error-rate"), std::string::npos);
  EXPECT_NE(error_of({"--outage", "30s"}).find("START+DURATION"), std::string::npos);
  EXPECT_NE(error_of({"8001"}).find("unexpected argument '8001'"), std::string::npos);
  for (const auto& message : {error_of({"--prot", "1"}), error_of({"--ttft", "fast"})}) {
    EXPECT_EQ(message.find('\n'), std::string::npos) << message;
  }
}

TEST(SimConfig, YamlFileThenFlagsOverride) {
  std::string path = write_temp(
      "port: 9000\nttft: normal(200ms, 20ms)\nmax_concurrency: 4\nrpm: 100\noutage:\n  - 1s+2s\n  - 5s+1s\n"
      "error_rate: 0.25\nembedding-dimensions: 16\n");
  SimConfig config;
  parse({"--rpm", "7", "--config", path}, config);
  EXPECT_EQ(config.port, 9000);
  EXPECT_EQ(config.time_to_first_token.kind(), DistributionKind::kNormal);
  EXPECT_EQ(config.max_concurrency, 4u);
  EXPECT_EQ(config.requests_per_minute, 7u);  // the flag wins
  EXPECT_EQ(config.faults.outages.size(), 2u);
  EXPECT_EQ(config.faults.error_rate, 0.25);
  EXPECT_EQ(config.embedding_dimensions, 16u);
  std::remove(path.c_str());
}

TEST(SimConfig, BadYamlNamesTheFileLineAndKey) {
  std::string unknown = write_temp("port: 1\nttfb: 3ms\n");
  std::string message = error_of({"--config", unknown});
  EXPECT_NE(message.find("line 2: 'ttfb' is not a setting"), std::string::npos) << message;
  std::string bad_value = write_temp("itl: quick\n");
  message = error_of({"--config", bad_value});
  EXPECT_NE(message.find("'itl': --itl: 'quick' is not a distribution"), std::string::npos) << message;
  std::string broken = write_temp("port: [1\n");
  EXPECT_NE(error_of({"--config", broken}).find("config " + broken + " line"), std::string::npos);
  EXPECT_NE(error_of({"--config", "/nonexistent/x.yaml"}).find("cannot read"), std::string::npos);
  for (const auto& path : {unknown, bad_value, broken}) std::remove(path.c_str());
}

TEST(SimConfig, ConnectionTimeoutsAreDurations) {
  SimConfig config;
  const char* argv[] = {"sim", "--header-timeout", "2s", "--body-timeout", "500ms"};
  parse_sim_command_line(5, const_cast<char**>(argv), config);
  EXPECT_EQ(config.header_timeout, std::chrono::milliseconds(2000));
  EXPECT_EQ(config.body_timeout, std::chrono::milliseconds(500));
  EXPECT_NE(error_of({"--header-timeout", "soon"}).find("--header-timeout"), std::string::npos);
  EXPECT_NE(error_of({"--body-timeout", "0s"}).find("must be positive"), std::string::npos);
}

TEST(SimConfig, HelpDocumentsEveryFlagWithItsDefault) {
  std::string help = sim_help_text();
  for (const char* flag : {"--config", "--host", "--port", "--ttft", "--itl", "--output-tokens", "--max-concurrency",
                           "--max-queue", "--rpm", "--tpm", "--embedding-dimensions", "--error-rate", "--timeout-rate",
                           "--reset-rate", "--slow-rate", "--slow-delay", "--outage", "--seed", "--header-timeout",
                           "--body-timeout", "--shutdown-grace"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  EXPECT_NE(help.find("[300ms]"), std::string::npos);
  EXPECT_NE(help.find("[uniform(50, 200)]"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::sim
