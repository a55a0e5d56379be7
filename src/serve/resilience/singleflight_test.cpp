#include "serve/resilience/singleflight.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace ragscale::serve::resilience {
namespace {

struct Work {
  int id = 0;
};

TEST(SingleFlight, SecondCallerJoinsTheFlightInProgress) {
  SingleFlight<Work> flights;
  auto first = flights.join("q", [] { return std::make_shared<Work>(Work{1}); });
  auto second = flights.join("q", [] { return std::make_shared<Work>(Work{2}); });
  EXPECT_TRUE(first.leader);
  EXPECT_FALSE(second.leader);
  EXPECT_EQ(second.flight.get(), first.flight.get());
  EXPECT_EQ(flights.joined_total(), 1u);
  EXPECT_EQ(flights.in_flight(), 1u);
}

TEST(SingleFlight, DifferentKeysFlySeparately) {
  SingleFlight<Work> flights;
  auto a = flights.join("a", [] { return std::make_shared<Work>(); });
  auto b = flights.join("b", [] { return std::make_shared<Work>(); });
  EXPECT_TRUE(a.leader);
  EXPECT_TRUE(b.leader);
  EXPECT_NE(a.flight.get(), b.flight.get());
  EXPECT_EQ(flights.joined_total(), 0u);
}

TEST(SingleFlight, AfterLandingTheNextCallerLeadsANewFlight) {
  SingleFlight<Work> flights;
  auto first = flights.join("q", [] { return std::make_shared<Work>(); });
  flights.land("q", first.flight.get());
  auto next = flights.join("q", [] { return std::make_shared<Work>(); });
  EXPECT_TRUE(next.leader);
  EXPECT_NE(next.flight.get(), first.flight.get());
}

TEST(SingleFlight, LandingAReplacedFlightLeavesTheNewOneAlone) {
  SingleFlight<Work> flights;
  auto old_flight = flights.join("q", [] { return std::make_shared<Work>(); });
  flights.land("q", old_flight.flight.get());
  auto current = flights.join("q", [] { return std::make_shared<Work>(); });
  flights.land("q", old_flight.flight.get());  // late: must not end `current`
  auto joined = flights.join("q", [] { return std::make_shared<Work>(); });
  EXPECT_FALSE(joined.leader);
  EXPECT_EQ(joined.flight.get(), current.flight.get());
}

TEST(SingleFlight, ManyConcurrentCallersElectExactlyOneLeader) {
  SingleFlight<Work> flights;
  std::atomic<int> leaders{0};
  std::atomic<int> made{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 16; ++i) {
    threads.emplace_back([&] {
      for (int round = 0; round < 200; ++round) {
        auto joined = flights.join("same", [&] {
          made.fetch_add(1);
          return std::make_shared<Work>();
        });
        if (joined.leader) leaders.fetch_add(1);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(leaders.load(), 1);
  EXPECT_EQ(made.load(), 1);
  EXPECT_EQ(flights.joined_total(), 16u * 200u - 1u);
}

}  // namespace
}  // namespace ragscale::serve::resilience
