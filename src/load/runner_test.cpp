// The executors' timing, end to end in one process: run_load() against an in-process
// HTTP server on loopback.
#include "load/runner.h"

#include <gtest/gtest.h>

#include <atomic>

#include "http/server.h"
#include "load/scenario/scenario.h"

namespace ragscale::load {
namespace {

using namespace std::chrono_literals;

// An answer sent when its timer fires; frees itself afterwards.
struct DelayedReply {
  http::Responder responder;
  net::Timer timer;
  explicit DelayedReply(http::Responder r)
      : responder(std::move(r)), timer([this] {
          responder.send(200, "text/plain", "ok");
          responder.loop()->defer([this] { delete this; });
        }) {}
};

struct Target {
  std::atomic<int> requests{0};
  http::HttpServer server;
  scenario::Scenario scenario;
  std::vector<ResolvedTarget> targets;

  explicit Target(std::chrono::milliseconds delay)
      : server(options(), [this, delay](http::Request&, http::Responder responder) {
          requests.fetch_add(1);
          if (delay.count() == 0) {
            responder.send(200, "text/plain", "ok");
            return;
          }
          auto* reply = new DelayedReply(std::move(responder));
          reply->responder.loop()->arm_after(reply->timer, delay);
        }) {
    server.start();
    std::string url = "http://127.0.0.1:" + std::to_string(server.port()) + "/";
    scenario = scenario::quick_scenario(url, scenario::WaitSpec{});
    ResolvedTarget target;
    target.address = net::resolve("127.0.0.1", server.port());
    target.host_header = "127.0.0.1";
    targets.push_back(target);
  }
  ~Target() { server.shutdown(100ms); }

  static http::HttpServer::Options options() {
    http::HttpServer::Options o;
    o.host = "127.0.0.1";
    o.port = 0;
    return o;
  }
};

RunnerSettings quiet_settings(int threads) {
  RunnerSettings settings;
  settings.threads = threads;
  settings.seed = 1;
  settings.stop_timeout = 2s;
  return settings;
}

TEST(Runner, OpenModelStartsExactlyTheScheduledArrivalsAndMeasuresFromIntendedTimes) {
  Target target(10ms);
  LoadPlan plan;
  plan.model = LoadPlan::Model::kOpen;
  plan.rate = StagedValue(400, {});
  plan.run_time = std::chrono::microseconds(1s);
  RunOutcome outcome = run_load(target.scenario, target.targets, plan, quiet_settings(2));
  // 400/s for 1 s: arrivals at 0, 2.5 ms, ..., 997.5 ms, none at or after the end.
  EXPECT_EQ(outcome.stats.aggregate().requests(), 400u);
  EXPECT_EQ(target.requests.load(), 400);
  // Every latency includes the server's 10 ms.
  EXPECT_GE(outcome.stats.aggregate().latency().min(), 10000u);
  EXPECT_FALSE(outcome.interrupted);
}

TEST(Runner, ClosedModelStopsAtTheIterationBoundAcrossWorkers) {
  Target target(2ms);  // slow enough that all 10 users start (in 10 ms) before the bound
  LoadPlan plan;
  plan.users = users_at_spawn_rate(10, 1000);
  plan.iterations = 377;
  RunOutcome outcome = run_load(target.scenario, target.targets, plan, quiet_settings(2));
  EXPECT_EQ(outcome.stats.aggregate().requests(), 377u);
  EXPECT_EQ(target.requests.load(), 377);
  EXPECT_EQ(outcome.peak_users, 10u);
}

TEST(Runner, SpawnRateRampsUsersLinearly) {
  Target target(0ms);
  LoadPlan plan;
  plan.users = users_at_spawn_rate(20, 10);  // 20 users at 10/s: 10 after 1 s, 20 after 2 s
  plan.run_time = std::chrono::microseconds(2500ms);
  std::vector<uint64_t> users_each_second;
  RunnerSettings settings = quiet_settings(1);
  settings.on_second = [&](const RunStats&, uint64_t users, double) { users_each_second.push_back(users); };
  scenario::Scenario slow = target.scenario;
  slow.users[0].wait = scenario::parse_wait_range("100ms");
  run_load(slow, target.targets, plan, settings);
  ASSERT_GE(users_each_second.size(), 2u);
  EXPECT_NEAR(static_cast<double>(users_each_second[0]), 10, 1);
  EXPECT_NEAR(static_cast<double>(users_each_second[1]), 20, 1);
}

}  // namespace
}  // namespace ragscale::load
