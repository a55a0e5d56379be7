#include "serve/resilience/circuit_breaker.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;

constexpr auto kFast = 10ms;
constexpr auto kSlow = 6s;  // over the default 5 s slow-call threshold

CircuitBreakerOptions rate_only() {
  CircuitBreakerOptions options;
  options.consecutive_failures = 0;
  return options;
}

// Permits and completes one call.
void call(CircuitBreaker& breaker, bool fail, Clock::duration took, TimePoint now) {
  ASSERT_TRUE(breaker.try_acquire(now));
  if (fail) {
    breaker.on_failure(took, now);
  } else {
    breaker.on_success(took, now);
  }
}

// Opens a breaker by ten failures and returns the moment it opened.
TimePoint open_it(CircuitBreaker& breaker, TimePoint now) {
  for (int i = 0; i < 10; ++i) call(breaker, true, kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kOpen);
  return now;
}

TEST(CircuitBreaker, StateNames) {
  EXPECT_STREQ(circuit_state_name(CircuitState::kClosed), "closed");
  EXPECT_STREQ(circuit_state_name(CircuitState::kOpen), "open");
  EXPECT_STREQ(circuit_state_name(CircuitState::kHalfOpen), "half_open");
}

TEST(CircuitBreaker, ValidateNamesTheOptionOutOfRange) {
  using Options = CircuitBreakerOptions;
  const std::vector<std::pair<std::string, void (*)(Options&)>> cases = {
      {"window", [](Options& o) { o.window = 0s; }},
      {"minimum_calls", [](Options& o) { o.minimum_calls = 0; }},
      {"failure_rate_threshold", [](Options& o) { o.failure_rate_threshold = 1.5; }},
      {"slow_call_rate_threshold", [](Options& o) { o.slow_call_rate_threshold = 0; }},
      {"slow_call_threshold", [](Options& o) { o.slow_call_threshold = 0s; }},
      {"open_wait", [](Options& o) { o.open_wait = -1s; }},
      {"half_open_probes", [](Options& o) { o.half_open_probes = 0; }},
  };
  for (const auto& [name, spoil] : cases) {
    Options options;
    spoil(options);
    try {
      CircuitBreaker breaker(options);
      ADD_FAILURE() << name << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
    }
  }
  EXPECT_NO_THROW(CircuitBreakerOptions{}.validate());
}

TEST(CircuitBreaker, StaysClosedBelowMinimumCalls) {
  CircuitBreaker breaker(rate_only());
  TimePoint now{1h};
  for (int i = 0; i < 9; ++i) call(breaker, true, kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kClosed);
  EXPECT_EQ(breaker.snapshot(now).failure_rate, 1.0);
  call(breaker, true, kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kOpen);
  EXPECT_EQ(breaker.opened_total(), 1u);
}

TEST(CircuitBreaker, OpensWhenTheFailureRateReachesTheThreshold) {
  CircuitBreaker below(rate_only());
  CircuitBreaker at(rate_only());
  TimePoint now{1h};
  for (int i = 0; i < 10; ++i) {
    call(below, i < 4, kFast, now);  // 4 of 10 failed
    call(at, i < 5, kFast, now);     // 5 of 10 failed
  }
  EXPECT_EQ(below.state(now), CircuitState::kClosed);
  EXPECT_DOUBLE_EQ(below.snapshot(now).failure_rate, 0.4);
  EXPECT_EQ(at.state(now), CircuitState::kOpen);
}

TEST(CircuitBreaker, OpensOnTheSlowCallRateEvenWhenEverythingSucceeds) {
  CircuitBreaker breaker(rate_only());
  TimePoint now{1h};
  for (int i = 0; i < 2; ++i) call(breaker, false, kFast, now);
  for (int i = 0; i < 7; ++i) call(breaker, false, kSlow, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kClosed);  // 7 of 9, under minimum calls
  call(breaker, false, kSlow, now);                       // 8 of 10 slow
  EXPECT_EQ(breaker.state(now), CircuitState::kOpen);
  EXPECT_EQ(breaker.snapshot(now).failures_in_window, 0u);
  EXPECT_DOUBLE_EQ(breaker.snapshot(now).slow_call_rate, 0.8);
}

TEST(CircuitBreaker, ASlowFailureCountsAsFailedAndSlowAndTheThresholdItselfIsNotSlow) {
  CircuitBreaker breaker(rate_only());
  TimePoint now{1h};
  call(breaker, true, kSlow, now);
  call(breaker, false, 5s, now);  // exactly the threshold: not slow
  auto snap = breaker.snapshot(now);
  EXPECT_EQ(snap.calls_in_window, 2u);
  EXPECT_EQ(snap.failures_in_window, 1u);
  EXPECT_EQ(snap.slow_calls_in_window, 1u);
}

TEST(CircuitBreaker, OldOutcomesLeaveTheWindow) {
  CircuitBreaker breaker(rate_only());
  TimePoint t0{1h};
  for (int i = 0; i < 9; ++i) call(breaker, true, kFast, t0);
  // Ten seconds later the nine failures have left the 10 s window.
  EXPECT_EQ(breaker.snapshot(t0 + 10s).calls_in_window, 0u);
  call(breaker, true, kFast, t0 + 10s);
  EXPECT_EQ(breaker.state(t0 + 10s), CircuitState::kClosed);
  // Within the window they still count.
  CircuitBreaker recent(rate_only());
  for (int i = 0; i < 9; ++i) call(recent, true, kFast, t0);
  call(recent, true, kFast, t0 + 9s);
  EXPECT_EQ(recent.state(t0 + 9s), CircuitState::kOpen);
}

TEST(CircuitBreaker, ConsecutiveFailuresOpenItBelowMinimumCalls) {
  CircuitBreakerOptions options;
  options.minimum_calls = 100;
  options.consecutive_failures = 3;
  CircuitBreaker breaker(options);
  TimePoint now{1h};
  call(breaker, true, kFast, now);
  call(breaker, true, kFast, now);
  call(breaker, false, kSlow, now);  // a success, even a slow one, breaks the streak
  call(breaker, true, kFast, now);
  call(breaker, true, kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kClosed);
  EXPECT_EQ(breaker.snapshot(now).consecutive_failures, 2u);
  call(breaker, true, kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kOpen);
}

TEST(CircuitBreaker, OpenRefusesUntilOpenWaitThenGoesHalfOpenLazily) {
  CircuitBreaker breaker(CircuitBreakerOptions{});
  TimePoint opened = open_it(breaker, TimePoint{1h});
  EXPECT_FALSE(breaker.try_acquire(opened));
  EXPECT_FALSE(breaker.try_acquire(opened + 4999ms));
  EXPECT_EQ(breaker.not_permitted_total(), 2u);
  EXPECT_EQ(breaker.state(opened + 4999ms), CircuitState::kOpen);
  EXPECT_EQ(breaker.state(opened + 5s), CircuitState::kHalfOpen);
}

TEST(CircuitBreaker, HalfOpenPermitsOnlyTheProbesAndReleaseGivesOneBack) {
  CircuitBreaker breaker(CircuitBreakerOptions{});
  TimePoint now = open_it(breaker, TimePoint{1h}) + 5s;
  EXPECT_TRUE(breaker.try_acquire(now));
  EXPECT_TRUE(breaker.try_acquire(now));
  EXPECT_TRUE(breaker.try_acquire(now));
  EXPECT_FALSE(breaker.try_acquire(now));
  EXPECT_EQ(breaker.snapshot(now).probes_in_flight, 3u);
  breaker.on_released(now);
  EXPECT_TRUE(breaker.try_acquire(now));
  // An answered probe keeps its slot: three outcomes decide, so no fourth call.
  breaker.on_success(kFast, now);
  EXPECT_FALSE(breaker.try_acquire(now));
  EXPECT_EQ(breaker.state(now), CircuitState::kHalfOpen);
}

TEST(CircuitBreaker, HalfOpenClosesWhenAllProbesSucceedWithAnEmptyWindow) {
  CircuitBreaker breaker(CircuitBreakerOptions{});
  TimePoint now = open_it(breaker, TimePoint{1h}) + 5s;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(breaker.try_acquire(now));
  breaker.on_success(kFast, now);
  breaker.on_success(kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kHalfOpen);
  breaker.on_success(kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kClosed);
  auto snap = breaker.snapshot(now);
  EXPECT_EQ(snap.calls_in_window, 0u);
  EXPECT_EQ(snap.consecutive_failures, 0u);
  // The old failures are gone: nine more do not reopen it.
  for (int i = 0; i < 9; ++i) call(breaker, true, kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kClosed);
}

TEST(CircuitBreaker, AnyFailedProbeReopensItAndRestartsTheWait) {
  CircuitBreaker breaker(CircuitBreakerOptions{});
  TimePoint now = open_it(breaker, TimePoint{1h}) + 5s;
  ASSERT_TRUE(breaker.try_acquire(now));
  ASSERT_TRUE(breaker.try_acquire(now));
  breaker.on_success(kFast, now);
  breaker.on_failure(kFast, now + 1s);
  EXPECT_EQ(breaker.state(now + 1s), CircuitState::kOpen);
  EXPECT_EQ(breaker.opened_total(), 2u);
  breaker.on_success(kFast, now + 1s);  // the last probe answers late: ignored
  EXPECT_EQ(breaker.state(now + 5999ms), CircuitState::kOpen);
  EXPECT_EQ(breaker.state(now + 6s), CircuitState::kHalfOpen);
}

TEST(CircuitBreaker, SlowProbesReopenItOnceTheyReachTheSlowRate) {
  CircuitBreaker breaker(CircuitBreakerOptions{});  // 3 probes, 0.8: all three slow
  TimePoint now = open_it(breaker, TimePoint{1h}) + 5s;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(breaker.try_acquire(now));
  breaker.on_success(kSlow, now);
  breaker.on_success(kSlow, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kHalfOpen);
  breaker.on_success(kSlow, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kOpen);

  CircuitBreakerOptions half;
  half.half_open_probes = 4;
  half.slow_call_rate_threshold = 0.5;
  CircuitBreaker early(half);
  now = open_it(early, TimePoint{1h}) + 5s;
  for (int i = 0; i < 4; ++i) ASSERT_TRUE(early.try_acquire(now));
  early.on_success(kSlow, now);
  EXPECT_EQ(early.state(now), CircuitState::kHalfOpen);
  early.on_success(kSlow, now);  // 2 of 4 slow: decided before the others answer
  EXPECT_EQ(early.state(now), CircuitState::kOpen);
}

TEST(CircuitBreaker, SlowProbesUnderTheSlowRateStillClose) {
  CircuitBreaker breaker(CircuitBreakerOptions{});
  TimePoint now = open_it(breaker, TimePoint{1h}) + 5s;
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(breaker.try_acquire(now));
  breaker.on_success(kSlow, now);
  breaker.on_success(kSlow, now);  // 2 of 3 = 0.67 < 0.8
  breaker.on_success(kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kClosed);
}

TEST(CircuitBreaker, OutcomesOfCallsPermittedBeforeItOpenedAreIgnored) {
  CircuitBreaker breaker(CircuitBreakerOptions{});
  TimePoint now = open_it(breaker, TimePoint{1h});
  breaker.on_success(kFast, now);  // open: ignored
  now += 5s;
  EXPECT_EQ(breaker.state(now), CircuitState::kHalfOpen);
  for (int i = 0; i < 5; ++i) breaker.on_success(kFast, now);  // no probe in flight: ignored
  breaker.on_failure(kFast, now);
  breaker.on_released(now);
  EXPECT_EQ(breaker.state(now), CircuitState::kHalfOpen);
  EXPECT_TRUE(breaker.try_acquire(now));
}

TEST(CircuitBreaker, ZeroOpenWaitGoesHalfOpenOnTheNextCall) {
  CircuitBreakerOptions options;
  options.open_wait = 0s;
  CircuitBreaker breaker(options);
  TimePoint now{1h};
  for (int i = 0; i < 10; ++i) call(breaker, true, kFast, now);
  EXPECT_EQ(breaker.state(now), CircuitState::kHalfOpen);
}

TEST(CircuitBreaker, TransitionCallbackSeesEveryChangeOutsideTheLock) {
  std::vector<std::pair<CircuitState, CircuitState>> seen;
  CircuitBreaker* self = nullptr;
  CircuitBreakerOptions options;
  options.on_transition = [&](CircuitState from, CircuitState to) {
    seen.emplace_back(from, to);
    self->opened_total();  // would deadlock if called under the lock
  };
  CircuitBreaker breaker(options);
  self = &breaker;
  TimePoint now = open_it(breaker, TimePoint{1h}) + 5s;
  ASSERT_TRUE(breaker.try_acquire(now));  // open -> half_open
  breaker.on_failure(kFast, now);         // half_open -> open
  now += 5s;
  for (int i = 0; i < 3; ++i) call(breaker, false, kFast, now);  // -> half_open -> closed
  using S = CircuitState;
  std::vector<std::pair<S, S>> expected = {{S::kClosed, S::kOpen},   {S::kOpen, S::kHalfOpen},
                                           {S::kHalfOpen, S::kOpen}, {S::kOpen, S::kHalfOpen},
                                           {S::kHalfOpen, S::kClosed}};
  EXPECT_EQ(seen, expected);
}

TEST(CircuitBreaker, ConcurrentCallersKeepTheCountsAndTheProbeBound) {
  std::atomic<uint64_t> openings{0};
  CircuitBreakerOptions options;
  options.minimum_calls = 20;
  options.open_wait = 1ms;
  options.on_transition = [&](CircuitState, CircuitState to) {
    if (to == CircuitState::kOpen) openings.fetch_add(1);
  };
  CircuitBreaker breaker(options);
  std::atomic<int64_t> clock_ns{3600'000'000'000};
  std::atomic<uint64_t> permitted{0};
  std::atomic<size_t> max_probes{0};
  constexpr int kThreads = 4;
  constexpr int kCalls = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kCalls; ++i) {
        TimePoint now{std::chrono::nanoseconds(clock_ns.fetch_add(10000))};
        if (!breaker.try_acquire(now)) continue;
        permitted.fetch_add(1);
        size_t probes = breaker.snapshot(now).probes_in_flight;
        size_t seen = max_probes.load();
        while (probes > seen && !max_probes.compare_exchange_weak(seen, probes)) {
        }
        switch ((i + t) % 5) {
          case 0: breaker.on_released(now); break;
          case 1:
          case 2: breaker.on_failure(kFast, now); break;
          default: breaker.on_success(kFast, now); break;
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_GT(breaker.opened_total(), 1u);
  EXPECT_EQ(openings.load(), breaker.opened_total());
  EXPECT_EQ(permitted.load() + breaker.not_permitted_total(), uint64_t{kThreads} * kCalls);
  EXPECT_LE(max_probes.load(), options.half_open_probes);
  EXPECT_EQ(breaker.snapshot(TimePoint{std::chrono::nanoseconds(clock_ns.load())}).probes_in_flight, 0u);
}

}  // namespace
}  // namespace ragscale::serve::resilience
