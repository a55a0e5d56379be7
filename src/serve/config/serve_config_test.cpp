#include "serve/config/serve_config.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>

namespace ragscale::serve {
namespace {

ServeInvocation load(std::vector<std::string> args, std::vector<std::string> env = {}) {
  args.insert(args.begin(), "serve");
  std::vector<char*> argv;
  for (auto& arg : args) argv.push_back(arg.data());
  std::vector<char*> envp;
  for (auto& entry : env) envp.push_back(entry.data());
  envp.push_back(nullptr);
  return load_serve_config(static_cast<int>(argv.size()), argv.data(), envp.data());
}

TEST(ServeConfigTest, DefaultsAndFlags) {
  auto config = load({}).config;
  EXPECT_EQ(config.port, 8000);
  EXPECT_EQ(config.host, "127.0.0.1");
  EXPECT_EQ(config.data_dir, "./ragscale-data");
  EXPECT_FALSE(config.auth_enabled());
  config = load({"--port", "9001", "--data=/tmp/x", "--cache-ttl", "1m30s", "--max-upload", "10MB"}).config;
  EXPECT_EQ(config.port, 9001);
  EXPECT_EQ(config.data_dir, "/tmp/x");
  EXPECT_EQ(config.cache_ttl, std::chrono::seconds(90));
  EXPECT_EQ(config.max_upload_bytes, 10u << 20);
  EXPECT_TRUE(load({"--help"}).show_help);
}

TEST(ServeConfigTest, YamlThenEnvironmentThenFlags) {
  auto path = std::filesystem::temp_directory_path() / ("ragscale-config-" + std::to_string(std::random_device{}()) + ".yaml");
  {
    std::ofstream out(path);
    out << "port: 7000\nchunk_size: 500\napi_keys: [alpha-key, beta-key]\nusers:\n  alice: wonderland\n";
  }
  auto config = load({"--config", path.string(), "--chunk-size", "600"}, {"RAGSCALE_PORT=7100", "RAGSCALE_CHUNK_SIZE=550"}).config;
  EXPECT_EQ(config.port, 7100);        // env beats file
  EXPECT_EQ(config.chunk_size, 600u);  // flag beats env
  EXPECT_EQ(config.api_keys, (std::vector<std::string>{"alpha-key", "beta-key"}));
  EXPECT_EQ(config.users.at("alice"), "wonderland");
  EXPECT_TRUE(config.auth_enabled());
  auto text = describe(config);
  EXPECT_EQ(text.find("alpha-key"), std::string::npos);
  EXPECT_EQ(text.find("wonderland"), std::string::npos);
  EXPECT_NE(text.find("alice:***"), std::string::npos);
  EXPECT_NE(text.find("port: 7100"), std::string::npos);

  auto from_env = load({}, {"RAGSCALE_CONFIG=" + path.string(), "RAGSCALE_API_KEYS=k1, k2"}).config;
  EXPECT_EQ(from_env.port, 7000);
  EXPECT_EQ(from_env.api_keys, (std::vector<std::string>{"k1", "k2"}));
  std::filesystem::remove(path);
}

TEST(ServeConfigTest, BadInputNamesTheSource) {
  auto message = [](auto&& run) {
    try {
      run();
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(message([] { load({"--port", "99999"}); }).find("flag --port"), std::string::npos);
  EXPECT_NE(message([] { load({"--bogus", "1"}); }).find("unknown flag --bogus"), std::string::npos);
  EXPECT_NE(message([] { load({}, {"RAGSCALE_CACHE_TTL=soon"}); }).find("RAGSCALE_CACHE_TTL"), std::string::npos);
  EXPECT_NE(message([] { load({"--config", "/nonexistent/x.yaml"}); }).find("cannot read config file"),
            std::string::npos);
  EXPECT_NE(message([] { load({"--chunk-size", "100", "--chunk-overlap", "100"}); }).find("chunk_overlap"),
            std::string::npos);
  EXPECT_NE(message([] { load({"--port"}); }).find("needs a value"), std::string::npos);
  EXPECT_NE(message([] { load({"--users", "nocolon"}); }).find("USER:PASSWORD"), std::string::npos);
}

TEST(ServeConfigTest, SharedCacheUrlFromEverySourceAndABadOneNamedWithTheFix) {
  EXPECT_EQ(load({}).config.cache, "");
  EXPECT_EQ(load({"--cache", "redis://10.0.0.5:6380/2"}).config.cache, "redis://10.0.0.5:6380/2");
  EXPECT_EQ(load({}, {"RAGSCALE_CACHE=redis://cache:6379"}).config.cache, "redis://cache:6379");
  EXPECT_EQ(load({"--cache-timeout", "250ms"}).config.cache_timeout, std::chrono::milliseconds(250));
  auto refusal = [](std::vector<std::string> args, std::vector<std::string> env) {
    try {
      load(std::move(args), std::move(env));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  auto flag = refusal({"--cache", "http://127.0.0.1:6379"}, {});
  EXPECT_NE(flag.find("flag --cache"), std::string::npos) << flag;
  EXPECT_NE(flag.find("redis://HOST[:PORT][/DB]"), std::string::npos) << flag;
  EXPECT_NE(refusal({}, {"RAGSCALE_CACHE=redis://h:0"}).find("RAGSCALE_CACHE"), std::string::npos);
  EXPECT_NE(refusal({"--cache-timeout", "0ms"}, {}).find("1ms to 10s"), std::string::npos);
}

TEST(ServeConfigTest, HelpMentionsEveryFlagAndItsEnvironmentVariable) {
  auto help = serve_help();
  for (const char* flag : {"--port", "--data", "--config", "--embed-url", "--llm-url", "--cache-ttl", "--api-keys"}) {
    EXPECT_NE(help.find(flag), std::string::npos) << flag;
  }
  EXPECT_NE(help.find("RAGSCALE_API_KEYS"), std::string::npos);
}

TEST(ServeConfigTest, RateLimitsFromEverySourceAndBadOnesNamed) {
  auto config = load({}).config;
  EXPECT_EQ(config.rate_limit, "");
  EXPECT_EQ(config.upload_rate_limit, "");
  EXPECT_EQ(config.route_rate_limits, "");
  auto path = std::filesystem::temp_directory_path() /
              ("ragscale-rates-" + std::to_string(std::random_device{}()) + ".yaml");
  {
    std::ofstream out(path);
    out << "rate_limit: 100/min\nroute_rate_limits:\n  /query: 60/min\n  /api/v1/search: 600/min:burst=50\n";
  }
  config = load({"--config", path.string(), "--upload-rate-limit", "5/min"}).config;
  std::filesystem::remove(path);
  EXPECT_EQ(config.rate_limit, "100/min");
  EXPECT_EQ(config.upload_rate_limit, "5/min");
  EXPECT_EQ(config.route_rate_limits, "/query:60/min,/api/v1/search:600/min:burst=50");
  EXPECT_EQ(load({}, {"RAGSCALE_RATE_LIMIT=5/s:burst=20"}).config.rate_limit, "5/s:burst=20");
  EXPECT_EQ(load({"--route-rate-limits", "/query=1/s"}).config.route_rate_limits, "/query=1/s");

  auto message = [](std::vector<std::string> args) {
    try {
      load(std::move(args));
    } catch (const ConfigError& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  auto bad_rate = message({"--rate-limit", "100"});
  EXPECT_NE(bad_rate.find("flag --rate-limit"), std::string::npos) << bad_rate;
  EXPECT_NE(bad_rate.find("expected N/UNIT"), std::string::npos) << bad_rate;
  EXPECT_NE(message({"--upload-rate-limit", "1/day"}).find("flag --upload-rate-limit"), std::string::npos);
  auto bad_route = message({"--route-rate-limits", "/health=1/s"});
  EXPECT_NE(bad_route.find("flag --route-rate-limits"), std::string::npos) << bad_route;
  EXPECT_NE(bad_route.find("never rate limited"), std::string::npos) << bad_route;
  EXPECT_NE(message({"--route-rate-limits", "/nowhere=1/s"}).find("unknown route"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::serve
