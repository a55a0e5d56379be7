#include "serve/query/model_admission.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <thread>
#include <vector>

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;

ModelAdmission::Options small(size_t limit, std::chrono::milliseconds max_wait, size_t max_waiting = 16) {
  ModelAdmission::Options options;
  options.max_wait = max_wait;
  options.max_waiting = max_waiting;
  options.limit.min_limit = limit;
  options.limit.initial_limit = limit;
  options.limit.max_limit = limit;
  return options;
}

// Acquires and returns the ticket (or none) once granted.
std::future<std::optional<ModelAdmission::Ticket>> acquire(ModelAdmission& admission) {
  auto promise = std::make_shared<std::promise<std::optional<ModelAdmission::Ticket>>>();
  auto future = promise->get_future();
  admission.acquire([promise](std::optional<ModelAdmission::Ticket> ticket) { promise->set_value(ticket); });
  return future;
}

TEST(ModelAdmissionTest, GrantsAtOnceWhileUnderTheLimit) {
  PipelineMetrics metrics;
  ModelAdmission admission(small(2, 1s), metrics);
  auto a = acquire(admission);
  auto b = acquire(admission);
  ASSERT_EQ(a.wait_for(0s), std::future_status::ready);
  ASSERT_EQ(b.wait_for(0s), std::future_status::ready);
  EXPECT_TRUE(a.get());
  EXPECT_TRUE(b.get());
  EXPECT_EQ(admission.in_flight(), 2u);
}

TEST(ModelAdmissionTest, AWaiterGetsThePlaceAReleaseFreesFirstComeFirstServed) {
  PipelineMetrics metrics;
  ModelAdmission admission(small(1, 2s), metrics);
  auto held = acquire(admission).get();
  ASSERT_TRUE(held);
  auto first = acquire(admission);
  auto second = acquire(admission);
  EXPECT_EQ(first.wait_for(20ms), std::future_status::timeout);
  EXPECT_EQ(admission.waiting(), 2u);
  admission.release(*held, ModelAdmission::Outcome::kSuccess);
  ASSERT_EQ(first.wait_for(1s), std::future_status::ready);
  auto granted = first.get();
  ASSERT_TRUE(granted);
  EXPECT_EQ(second.wait_for(20ms), std::future_status::timeout) << "the second waits for the next release";
  admission.release(*granted, ModelAdmission::Outcome::kIgnored);
  ASSERT_EQ(second.wait_for(1s), std::future_status::ready);
  EXPECT_TRUE(second.get());
}

TEST(ModelAdmissionTest, AWaiterGivesUpAfterMaxWait) {
  PipelineMetrics metrics;
  ModelAdmission admission(small(1, 100ms), metrics);
  ASSERT_TRUE(acquire(admission).get());  // the one place, held throughout
  auto started = std::chrono::steady_clock::now();
  auto waiter = acquire(admission);
  ASSERT_EQ(waiter.wait_for(2s), std::future_status::ready);
  EXPECT_FALSE(waiter.get());
  auto waited = std::chrono::steady_clock::now() - started;
  EXPECT_GE(waited, 95ms);
  EXPECT_LT(waited, 600ms);
  EXPECT_EQ(admission.waiting(), 0u);
}

TEST(ModelAdmissionTest, AFullQueueRefusesAtOnce) {
  PipelineMetrics metrics;
  ModelAdmission admission(small(1, 5s, 1), metrics);
  ASSERT_TRUE(acquire(admission).get());  // the one place, held throughout
  auto waiter = acquire(admission);
  auto refused = acquire(admission);
  ASSERT_EQ(refused.wait_for(0s), std::future_status::ready);
  EXPECT_FALSE(refused.get());
  admission.shutdown();
  ASSERT_EQ(waiter.wait_for(1s), std::future_status::ready);
  EXPECT_FALSE(waiter.get()) << "shutdown answers the waiters";
}

TEST(ModelAdmissionTest, ConcurrentCallersNeverExceedTheLimitAndAllAreAnswered) {
  PipelineMetrics metrics;
  ModelAdmission admission(small(3, 2s, 1000), metrics);
  std::atomic<int> in_flight{0};
  std::atomic<int> most{0};
  std::atomic<int> answered{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        auto ticket = acquire(admission).get();
        ++answered;
        if (!ticket) continue;
        int now = ++in_flight;
        int seen = most.load();
        while (now > seen && !most.compare_exchange_weak(seen, now)) {
        }
        std::this_thread::sleep_for(100us);
        --in_flight;
        admission.release(*ticket, ModelAdmission::Outcome::kSuccess);
      }
    });
  }
  for (auto& thread : threads) thread.join();
  EXPECT_EQ(answered.load(), 400);
  EXPECT_LE(most.load(), 3);
}

}  // namespace
}  // namespace ragscale::serve
