// EventLoop: one epoll instance, its timers and a cross-thread task queue, driven by a
// single thread. Every object registered with a loop (file descriptors, timers) is used
// only from that loop's thread; the one exception is post(), which any thread may call.
//
// Timers are intrusive: the owner embeds a Timer and arms it; arming and disarming never
// allocate, so a load generator with tens of thousands of users costs no heap traffic per
// think time. Deadlines have sub-millisecond resolution (epoll_pwait2).
#pragma once

#include <sys/epoll.h>

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <mutex>
#include <vector>

namespace ragscale::net {

using Clock = std::chrono::steady_clock;
using TimePoint = Clock::time_point;

// Receives readiness events for one file descriptor.
class IoHandler {
 public:
  virtual ~IoHandler() = default;
  // `events` is the EPOLL* mask that fired (EPOLLIN, EPOLLOUT, EPOLLERR, EPOLLHUP, ...).
  virtual void on_io(uint32_t events) = 0;
};

class EventLoop;

// A one-shot timer owned by its user. Not copyable; must be disarmed (or the loop gone)
// before it is destroyed — the destructor disarms it.
class Timer {
 public:
  explicit Timer(std::function<void()> on_fire) : on_fire_(std::move(on_fire)) {}
  Timer(const Timer&) = delete;
  Timer& operator=(const Timer&) = delete;
  ~Timer();

  bool armed() const { return heap_index_ != kNotArmed; }
  TimePoint deadline() const { return deadline_; }

 private:
  friend class EventLoop;
  static constexpr size_t kNotArmed = static_cast<size_t>(-1);
  std::function<void()> on_fire_;
  TimePoint deadline_{};
  uint64_t sequence_ = 0;  // ties broken by arming order, so equal deadlines fire FIFO
  size_t heap_index_ = kNotArmed;
  EventLoop* loop_ = nullptr;
};

class EventLoop {
 public:
  EventLoop();
  ~EventLoop();
  EventLoop(const EventLoop&) = delete;
  EventLoop& operator=(const EventLoop&) = delete;

  // File descriptors. The handler must outlive its registration.
  void add(int fd, uint32_t events, IoHandler* handler);
  void modify(int fd, uint32_t events, IoHandler* handler);
  void remove(int fd);

  // Timers. Arming an armed timer moves its deadline.
  void arm(Timer& timer, TimePoint deadline);
  void arm_after(Timer& timer, Clock::duration delay) { arm(timer, Clock::now() + delay); }
  void disarm(Timer& timer);
  size_t armed_timers() const { return heap_.size(); }

  // Runs `task` on the loop's thread soon. Safe from any thread, including the loop's own.
  void post(std::function<void()> task);

  // Runs `task` on the loop's thread after the current batch of events. Loop thread
  // only. The place to destroy an IoHandler that may still have events pending in the
  // batch being dispatched.
  void defer(std::function<void()> task);

  // Runs until stop(). Safe to call stop() from any thread or from a callback.
  void run();
  void stop();
  bool stopping() const { return stop_requested_.load(std::memory_order_relaxed); }

  // Time at the start of the current iteration: cheap, good for timeouts. Use Clock::now()
  // where precision matters (latency measurement).
  TimePoint cached_now() const { return now_; }

 private:
  void run_due_timers();
  void run_posted_tasks();
  void run_deferred();
  void heap_swap(size_t a, size_t b);
  bool heap_less(size_t a, size_t b) const;
  void sift_up(size_t i);
  void sift_down(size_t i);
  void heap_erase(size_t i);
  void wake();

  int epoll_fd_ = -1;
  int wake_fd_ = -1;  // eventfd: post() and stop() interrupt epoll_wait through it
  std::vector<Timer*> heap_;
  uint64_t next_sequence_ = 0;
  TimePoint now_;
  std::atomic<bool> stop_requested_{false};
  std::atomic<bool> wake_pending_{false};
  std::mutex posted_mutex_;
  std::vector<std::function<void()>> posted_;
  std::vector<std::function<void()>> running_;  // swapped with posted_ to run outside the lock
  std::vector<std::function<void()>> deferred_;
};

}  // namespace ragscale::net
