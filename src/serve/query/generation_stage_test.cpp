#include "serve/query/generation_stage.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "net/socket.h"
#include "sim/sim_server.h"

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

// A real model backend: the simulator, answering 4 tokens after 5 ms (or `first_token_us`).
std::unique_ptr<sim::SimServer> start_sim(sim::FaultSettings faults = {}, double first_token_us = 5000) {
  sim::SimConfig config;
  config.port = 0;
  config.time_to_first_token = sim::Distribution::constant(first_token_us);
  config.inter_token_latency = sim::Distribution::constant(1000);
  config.output_tokens = sim::Distribution::constant(4);
  config.faults = faults;
  config.shutdown_grace = 100ms;
  auto server = std::make_unique<sim::SimServer>(config);
  server->start();
  return server;
}

struct Fixture {
  explicit Fixture(uint16_t port, resilience::CircuitBreakerOptions breaker_options = quick_breaker(),
                   GenerationStage::Options options = {})
      : client(BackendUrl{"127.0.0.1", port, ""}, "", 8),
        generator(client, "sim", 5s),
        breaker(breaker_options),
        stage(generator, breaker, budget, options, metrics) {}

  static resilience::CircuitBreakerOptions quick_breaker() {
    resilience::CircuitBreakerOptions options;
    options.minimum_calls = 2;
    options.consecutive_failures = 2;
    options.open_wait = 200ms;
    options.half_open_probes = 1;
    return options;
  }

  // Runs one generation and waits for its outcome; tokens are counted.
  GenerationOutcome run(Clock::duration budget_left = 2s, std::function<void(std::string)> on_probe = {}) {
    GenerationCall call;
    call.question = "capital of France?";
    call.sources = {{"Geo", "Paris is the capital of France."}};
    call.deadline = Clock::now() + budget_left;
    std::promise<GenerationOutcome> done;
    auto future = done.get_future();
    stage.run(std::move(call), [this](std::string_view) { ++tokens; },
              [&done](GenerationOutcome outcome) { done.set_value(std::move(outcome)); }, std::move(on_probe));
    return future.get();
  }

  BackendClient client;
  ChatGenerator generator;
  resilience::CircuitBreaker breaker;
  resilience::RetryBudget budget{0.1, 3};
  PipelineMetrics metrics;
  GenerationStage stage;
  std::atomic<int> tokens{0};
};

TEST(GenerationStageTest, AHealthyModelAnswersWithStreamedTokens) {
  auto sim = start_sim();
  Fixture f(sim->port());
  auto outcome = f.run();
  EXPECT_TRUE(outcome.ok) << outcome.detail;
  EXPECT_FALSE(outcome.text.empty());
  EXPECT_GT(f.tokens.load(), 0);
  EXPECT_EQ(f.metrics.backend_calls("llm", "success"), 1u);
  EXPECT_EQ(f.breaker.state(Clock::now()), resilience::CircuitState::kClosed);
}

TEST(GenerationStageTest, FailuresOpenTheBreakerAndThenNoCallIsMade) {
  sim::FaultSettings faults;
  faults.error_rate = 1.0;
  faults.error_status = 500;  // not retried: the model may have worked
  auto sim = start_sim(faults);
  Fixture f(sim->port());
  EXPECT_EQ(f.run().reason, "llm_error");
  EXPECT_EQ(f.run().reason, "llm_error");
  EXPECT_EQ(f.breaker.state(Clock::now()), resilience::CircuitState::kOpen);
  auto started = Clock::now();
  auto refused = f.run();
  EXPECT_EQ(refused.reason, "llm_circuit_open");
  EXPECT_LT(Clock::now() - started, 50ms) << "an open breaker answers at once";
  EXPECT_EQ(f.metrics.backend_calls("llm", "error"), 2u);
  EXPECT_EQ(f.metrics.backend_calls("llm", "rejected"), 1u);
}

TEST(GenerationStageTest, AHalfOpenProbeRunsInTheBackgroundAndItsAnswerClosesTheBreaker) {
  auto sim = start_sim({}, 300'000);  // a probe's answer takes 300 ms, so waiting for it would show
  Fixture f(sim->port());
  f.breaker.on_failure(1ms, Clock::now());
  f.breaker.on_failure(1ms, Clock::now());
  ASSERT_EQ(f.breaker.state(Clock::now()), resilience::CircuitState::kOpen);
  std::this_thread::sleep_for(250ms);  // past open_wait: the next call probes
  std::promise<std::string> probe_answer;
  auto probed = probe_answer.get_future();
  auto started = Clock::now();
  auto outcome = f.run(2s, [&probe_answer](std::string text) { probe_answer.set_value(std::move(text)); });
  EXPECT_EQ(outcome.reason, "llm_circuit_open") << "nobody waits for a probe";
  EXPECT_EQ(probed.wait_for(0s), std::future_status::timeout) << "the call returned before the probe's answer";
  EXPECT_LT(Clock::now() - started, 250ms);
  ASSERT_EQ(probed.wait_for(3s), std::future_status::ready);
  EXPECT_FALSE(probed.get().empty());
  EXPECT_EQ(f.breaker.state(Clock::now()), resilience::CircuitState::kClosed);
}

TEST(GenerationStageTest, AHungModelCostsTheDeadlineAndIsNotRetried) {
  sim::FaultSettings faults;
  faults.timeout_rate = 1.0;
  auto sim = start_sim(faults);
  Fixture f(sim->port());
  auto started = Clock::now();
  auto outcome = f.run(300ms);
  auto took = Clock::now() - started;
  EXPECT_EQ(outcome.reason, "llm_timeout");
  EXPECT_GE(took, 290ms);
  EXPECT_LT(took, 600ms);
  EXPECT_EQ(f.metrics.backend_calls("llm", "timeout"), 1u);
}

TEST(GenerationStageTest, ConnectFailuresAreRetriedWithinTheBudget) {
  // A port with nothing listening: every call fails before the model sees it.
  uint16_t port = 0;
  {
    auto sim = start_sim();
    port = sim->port();
    sim->shutdown();
  }
  resilience::CircuitBreakerOptions lenient = Fixture::quick_breaker();
  lenient.consecutive_failures = 0;
  lenient.minimum_calls = 1000;
  GenerationStage::Options options;
  options.max_attempts = 3;
  options.backoff_base = 1ms;
  options.backoff_cap = 5ms;
  Fixture f(port, lenient, options);
  auto outcome = f.run();
  EXPECT_EQ(outcome.reason, "llm_error");
  EXPECT_EQ(f.metrics.backend_calls("llm", "error"), 3u) << "one call and two retries";
  // The budget's floor is 3 retries a window: the next failures are not retried.
  f.run();
  f.run();
  EXPECT_EQ(f.metrics.backend_calls("llm", "error"), 6u) << "budget spent: one more retry, then none";
}

}  // namespace
}  // namespace ragscale::serve
