#include "serve/resilience/concurrency_limit.h"

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <string>
#include <thread>
#include <utility>
#include <vector>

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;
using Ticket = AdaptiveConcurrencyLimit::Ticket;

// Drives a limiter on a fake clock in rounds: admit up to `load` requests (as many as
// the limit allows), let `rtt` pass, answer them all.
struct Driver {
  AdaptiveConcurrencyLimit& limiter;
  TimePoint now{1h};

  void round(Clock::duration rtt, size_t load) {
    std::vector<Ticket> tickets;
    while (tickets.size() < load) {
      auto ticket = limiter.try_acquire(now);
      if (!ticket) break;
      tickets.push_back(*ticket);
    }
    now += rtt;
    for (const auto& ticket : tickets) limiter.on_success(ticket, now);
  }

  void run(Clock::duration rtt, Clock::duration duration, size_t load = std::numeric_limits<size_t>::max()) {
    const TimePoint end = now + duration;
    while (now < end) round(rtt, load);
  }
};

TEST(AdaptiveConcurrencyLimit, ShedsOnceInFlightReachesTheLimit) {
  AdaptiveConcurrencyLimit limiter;
  TimePoint now{1h};
  std::vector<Ticket> tickets;
  for (int i = 0; i < 20; ++i) {
    auto ticket = limiter.try_acquire(now);
    ASSERT_TRUE(ticket) << i;
    EXPECT_EQ(ticket->in_flight, static_cast<size_t>(i + 1));
    tickets.push_back(*ticket);
  }
  EXPECT_FALSE(limiter.try_acquire(now));
  EXPECT_EQ(limiter.rejected_total(), 1u);
  limiter.on_ignored(tickets.back());  // frees the slot, records nothing
  EXPECT_EQ(limiter.in_flight(), 19u);
  EXPECT_TRUE(limiter.try_acquire(now));
}

TEST(AdaptiveConcurrencyLimit, GrowsWhileTheRttStaysFlat) {
  AdaptiveConcurrencyLimit limiter;
  Driver driver{limiter};
  size_t previous = limiter.limit();
  for (int second = 0; second < 60; ++second) {
    driver.run(100ms, 1s);
    EXPECT_GE(limiter.limit(), previous);
    previous = limiter.limit();
  }
  // About +0.8 per one-second window (queue_size 4 * smoothing 0.2).
  EXPECT_GE(limiter.limit(), 60u);
  EXPECT_LE(limiter.limit(), 70u);
  EXPECT_EQ(limiter.snapshot().long_rtt, 100ms);
}

TEST(AdaptiveConcurrencyLimit, DoesNotGrowWhenTheLoadIsTheBound) {
  AdaptiveConcurrencyLimit limiter;
  Driver driver{limiter};
  driver.run(100ms, 60s, 9);  // never half of the limit in flight
  EXPECT_EQ(limiter.limit(), 20u);
}

TEST(AdaptiveConcurrencyLimit, ShrinksWhenTheRttDoubles) {
  AdaptiveConcurrencyLimit limiter;
  Driver driver{limiter};
  driver.run(100ms, 60s);
  const size_t before = limiter.limit();
  driver.run(200ms, 10s);  // queueing: the same work takes twice as long
  EXPECT_LT(limiter.limit(), before * 6 / 10);
  EXPECT_GE(limiter.limit(), 4u);
  // Once the RTT is back to its baseline the limit grows again.
  const size_t low = limiter.limit();
  driver.run(100ms, 20s);
  EXPECT_GT(limiter.limit(), low);
}

TEST(AdaptiveConcurrencyLimit, NeverLeavesMinAndMax) {
  AdaptiveConcurrencyLimit::Options options;
  options.initial_limit = 10;
  options.min_limit = 5;
  options.max_limit = 30;
  AdaptiveConcurrencyLimit limiter(options);
  Driver driver{limiter};
  driver.run(10ms, 120s);
  EXPECT_EQ(limiter.limit(), 30u);
  for (auto rtt : {100ms, 1000ms, 10000ms}) {
    driver.run(rtt, 60s);
    EXPECT_GE(limiter.limit(), 5u);
  }
  // Latency alone settles at 2 * queue_size (the fixed point of a 0.5 gradient) ...
  EXPECT_EQ(limiter.limit(), 8u);
  // ... drops go on down to min_limit, and no further.
  for (int i = 0; i < 50; ++i) {
    auto ticket = limiter.try_acquire(driver.now);
    ASSERT_TRUE(ticket);
    driver.now += 1s;
    limiter.on_dropped(*ticket, driver.now);
  }
  EXPECT_EQ(limiter.limit(), 5u);
  EXPECT_DOUBLE_EQ(limiter.snapshot().estimated_limit, 5.0);
}

TEST(AdaptiveConcurrencyLimit, ADropCutsTheLimitOncePerFlight) {
  AdaptiveConcurrencyLimit::Options options;
  options.initial_limit = 100;
  AdaptiveConcurrencyLimit limiter(options);
  TimePoint now{1h};
  std::vector<Ticket> flight;
  for (int i = 0; i < 50; ++i) flight.push_back(*limiter.try_acquire(now));
  now += 30s;
  for (const auto& ticket : flight) limiter.on_dropped(ticket, now);  // one burst of timeouts
  EXPECT_EQ(limiter.limit(), 90u);
  EXPECT_EQ(limiter.snapshot().dropped_total, 50u);
  EXPECT_EQ(limiter.in_flight(), 0u);
  // A request sent after the cut that also times out cuts again.
  auto next = limiter.try_acquire(now);
  now += 30s;
  limiter.on_dropped(*next, now);
  EXPECT_EQ(limiter.limit(), 81u);
}

TEST(AdaptiveConcurrencyLimit, ValidateNamesTheOptionOutOfRange) {
  using Options = AdaptiveConcurrencyLimit::Options;
  const std::vector<std::pair<std::string, void (*)(Options&)>> cases = {
      {"min_limit", [](Options& o) { o.min_limit = 0; }},
      {"max_limit", [](Options& o) { o.max_limit = 3; }},
      {"initial_limit", [](Options& o) { o.initial_limit = 2000; }},
      {"smoothing", [](Options& o) { o.smoothing = 0; }},
      {"long_window", [](Options& o) { o.long_window = 0; }},
      {"queue_size", [](Options& o) { o.queue_size = -1; }},
      {"window_samples", [](Options& o) { o.window_samples = 0; }},
      {"backoff_ratio", [](Options& o) { o.backoff_ratio = 1; }},
  };
  for (const auto& [name, spoil] : cases) {
    Options options;
    spoil(options);
    try {
      AdaptiveConcurrencyLimit limiter(options);
      ADD_FAILURE() << name << " was accepted";
    } catch (const std::invalid_argument& error) {
      EXPECT_NE(std::string(error.what()).find(name), std::string::npos) << error.what();
    }
  }
}

TEST(AdaptiveConcurrencyLimit, ConcurrentCallersKeepInFlightWithinTheLimit) {
  AdaptiveConcurrencyLimit::Options options;
  options.window = 1ms;
  options.initial_limit = 10;
  options.max_limit = 10;  // each thread alone tries to hold 12
  AdaptiveConcurrencyLimit limiter(options);
  std::atomic<int64_t> clock_us{3600'000'000};
  std::atomic<uint64_t> admitted{0};
  std::atomic<size_t> worst_excess{0};
  constexpr int kThreads = 4;
  constexpr int kCalls = 20000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      std::vector<Ticket> held;
      for (int i = 0; i < kCalls; ++i) {
        TimePoint now{std::chrono::microseconds(clock_us.fetch_add(10))};
        if (auto ticket = limiter.try_acquire(now)) {
          admitted.fetch_add(1);
          held.push_back(*ticket);
          auto snap = limiter.snapshot();
          if (snap.in_flight > options.max_limit) worst_excess.store(snap.in_flight);
        }
        if (held.size() >= 12 || i == kCalls - 1) {
          TimePoint later{std::chrono::microseconds(clock_us.fetch_add(10) + 2000 * (t + 1))};
          for (size_t k = 0; k < held.size(); ++k) {
            if (k % 10 == 9) {
              limiter.on_dropped(held[k], later);
            } else if (k % 10 == 8) {
              limiter.on_ignored(held[k]);
            } else {
              limiter.on_success(held[k], later);
            }
          }
          held.clear();
        }
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(worst_excess.load(), 0u);
  EXPECT_GT(limiter.rejected_total(), 0u);
  EXPECT_EQ(limiter.in_flight(), 0u);
  EXPECT_EQ(admitted.load() + limiter.rejected_total(), uint64_t{kThreads} * kCalls);
  EXPECT_GE(limiter.limit(), options.min_limit);
  EXPECT_LE(limiter.limit(), options.max_limit);
}

}  // namespace
}  // namespace ragscale::serve::resilience
