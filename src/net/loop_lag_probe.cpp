#include "net/loop_lag_probe.h"

#include <algorithm>

namespace ragscale::net {

void LoopLag::record(Clock::duration lag) {
  const int64_t ns = std::max<int64_t>(0, std::chrono::duration_cast<std::chrono::nanoseconds>(lag).count());
  int64_t seen = max_ns_.load(std::memory_order_relaxed);
  while (ns > seen && !max_ns_.compare_exchange_weak(seen, ns, std::memory_order_relaxed)) {
  }
  sum_ns_.fetch_add(ns, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
}

LoopLag::Reading LoopLag::take() {
  Reading reading;
  reading.samples = count_.exchange(0, std::memory_order_relaxed);
  const int64_t sum = sum_ns_.exchange(0, std::memory_order_relaxed);
  reading.max_seconds = double(max_ns_.exchange(0, std::memory_order_relaxed)) / 1e9;
  if (reading.samples > 0) reading.mean_seconds = double(sum) / 1e9 / double(reading.samples);
  return reading;
}

LoopLagProbe::LoopLagProbe(EventLoop& loop, LoopLag& sink, Clock::duration period)
    : loop_(loop), sink_(sink), period_(period), timer_([this] { on_fire(); }) {}

void LoopLagProbe::start() { loop_.arm_after(timer_, period_); }

void LoopLagProbe::on_fire() {
  const TimePoint now = Clock::now();
  sink_.record(now - timer_.deadline());
  // From now, not from the missed deadline: a stalled loop gets one late sample, not a
  // burst of catch-up timers that would add load to the loop being measured.
  loop_.arm(timer_, now + period_);
}

}  // namespace ragscale::net
