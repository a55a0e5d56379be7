#include "serve/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <stdexcept>
#include <thread>

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

TEST(WorkerPoolTest, CountsBusyThreadsAndHowLongTasksWaited) {
  WorkerPool pool(2, 100);
  EXPECT_EQ(pool.threads(), 2u);
  EXPECT_EQ(pool.busy(), 0u);
  std::promise<void> release;
  auto released = release.get_future().share();
  std::atomic<int> started{0};
  for (int i = 0; i < 2; ++i) {
    ASSERT_TRUE(pool.submit([&] {
      started.fetch_add(1);
      released.wait();
    }));
  }
  while (started.load() < 2) std::this_thread::yield();
  EXPECT_EQ(pool.busy(), 2u);
  // Both threads are taken: this task waits until they are released, 50 ms from now.
  std::promise<void> third_ran;
  ASSERT_TRUE(pool.submit([&] { third_ran.set_value(); }));
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  release.set_value();
  third_ran.get_future().wait();
  pool.shutdown();
  EXPECT_EQ(pool.busy(), 0u);
  EXPECT_EQ(pool.queue_wait().count(), 3u);
  EXPECT_GE(pool.queue_wait().sum(), 0.05);  // the third task's wait at least
}

}  // namespace
}  // namespace ragscale::serve
