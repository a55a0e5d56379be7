#include "net/loop_lag_probe.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace ragscale::net {
namespace {

using std::chrono::milliseconds;

TEST(LoopLagTest, TakeGivesTheMaxAndMeanAndStartsOver) {
  LoopLag lag;
  lag.record(milliseconds(2));
  lag.record(milliseconds(10));
  lag.record(milliseconds(3));
  lag.record(-milliseconds(1));  // a clock read before the deadline is no lag, not negative
  const LoopLag::Reading reading = lag.take();
  EXPECT_EQ(reading.samples, 4u);
  EXPECT_DOUBLE_EQ(reading.max_seconds, 0.010);
  EXPECT_DOUBLE_EQ(reading.mean_seconds, 0.015 / 4);
  const LoopLag::Reading next = lag.take();
  EXPECT_EQ(next.samples, 0u);
  EXPECT_EQ(next.max_seconds, 0);
  EXPECT_EQ(next.mean_seconds, 0);
}

TEST(LoopLagTest, ManyLoopsRecordIntoOne) {
  LoopLag lag;
  std::vector<std::thread> threads;
  for (int t = 1; t <= 4; ++t) {
    threads.emplace_back([&lag, t] {
      for (int i = 0; i < 1000; ++i) lag.record(milliseconds(t));
    });
  }
  for (auto& thread : threads) thread.join();
  const LoopLag::Reading reading = lag.take();
  EXPECT_EQ(reading.samples, 4000u);
  EXPECT_DOUBLE_EQ(reading.max_seconds, 0.004);
  EXPECT_NEAR(reading.mean_seconds, 0.0025, 1e-12);
}

TEST(LoopLagProbeTest, ACallbackThatHoldsTheLoopShowsAsLag) {
  EventLoop loop;
  LoopLag lag;
  LoopLagProbe probe(loop, lag, milliseconds(10));
  // 25 ms in, a callback holds the loop for 80 ms: the probe due meanwhile fires late.
  Timer stall([] { std::this_thread::sleep_for(milliseconds(80)); });
  Timer done([&] { loop.stop(); });
  loop.post([&] {
    probe.start();
    loop.arm_after(stall, milliseconds(25));
    loop.arm_after(done, milliseconds(250));
  });
  loop.run();
  const LoopLag::Reading reading = lag.take();
  EXPECT_GE(reading.samples, 5u);
  EXPECT_GE(reading.max_seconds, 0.050);  // at least the stall less one period, with slack
  EXPECT_LT(reading.mean_seconds, reading.max_seconds);
}

}  // namespace
}  // namespace ragscale::net
