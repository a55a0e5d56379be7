// Event-loop lag: how late an event loop runs a timer that was due, which is how long
// every other event on that loop waited too. A load generator whose loops run late sends
// late and measures late: its figures describe itself, not the target.
//
// Contract:
// - LoopLag gathers the lag of any number of loops (one probe each): record() from any
//   thread, take() reads the largest lag, the mean and the number of samples since the
//   last take() and starts over. Lock-free (relaxed atomics): a sample recorded while
//   take() runs may count in one interval and add its lag to the next; none is lost.
// - LoopLagProbe arms a timer on its loop every `period` and records how late it fired
//   (from its deadline to the callback). start() must run on the loop's thread (post it);
//   the probe is destroyed after its loop has stopped, or on its thread. Costs one timer
//   every period and nothing when no probe is made.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>

#include "net/event_loop.h"

namespace ragscale::net {

class LoopLag {
 public:
  struct Reading {
    double max_seconds = 0;
    double mean_seconds = 0;
    uint64_t samples = 0;
  };

  void record(Clock::duration lag);
  Reading take();

 private:
  std::atomic<int64_t> max_ns_{0};
  std::atomic<int64_t> sum_ns_{0};
  std::atomic<uint64_t> count_{0};
};

class LoopLagProbe {
 public:
  static constexpr std::chrono::milliseconds kDefaultPeriod{20};

  LoopLagProbe(EventLoop& loop, LoopLag& sink, Clock::duration period = kDefaultPeriod);
  LoopLagProbe(const LoopLagProbe&) = delete;
  LoopLagProbe& operator=(const LoopLagProbe&) = delete;

  void start();

 private:
  void on_fire();

  EventLoop& loop_;
  LoopLag& sink_;
  Clock::duration period_;
  Timer timer_;
};

}  // namespace ragscale::net
