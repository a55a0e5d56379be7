#include "serve/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>

namespace ragscale::serve {
namespace {

TEST(WorkerPoolTest, RunsEverySubmittedTaskBeforeShutdownReturns) {
  std::atomic<int> done{0};
  {
    WorkerPool pool(2, 1000);
    for (int i = 0; i < 100; ++i) ASSERT_TRUE(pool.submit([&] { done.fetch_add(1); }));
  }
  EXPECT_EQ(done.load(), 100);
}

TEST(WorkerPoolTest, RejectsWhenTheQueueIsFull) {
  WorkerPool pool(1, 1);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::promise<void> started;
  ASSERT_TRUE(pool.submit([&] {
    started.set_value();
    released.wait();
  }));
  started.get_future().wait();
  EXPECT_TRUE(pool.submit([] {}));   // queued
  EXPECT_FALSE(pool.submit([] {}));  // over the bound
  EXPECT_EQ(pool.pending(), 2u);
  release.set_value();
  pool.shutdown();
  EXPECT_FALSE(pool.submit([] {}));
}

// An escaping exception would end the thread with std::terminate (the whole server).
TEST(WorkerPoolTest, ATaskThatThrowsIsCountedAndThePoolKeepsWorking) {
  std::atomic<int> done{0};
  WorkerPool pool(1, 100, "test");
  ASSERT_TRUE(pool.submit([] { throw std::runtime_error("SQLite: disk I/O error"); }));
  ASSERT_TRUE(pool.submit([] { throw 42; }));
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(pool.submit([&] { done.fetch_add(1); }));
  pool.shutdown();
  EXPECT_EQ(done.load(), 3);
  EXPECT_EQ(pool.failed_tasks(), 2u);
}

}  // namespace
}  // namespace ragscale::serve
