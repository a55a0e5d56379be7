// WorkerPool: a fixed set of threads running submitted tasks from a bounded FIFO
// queue. submit() never blocks: when the queue is full it returns false so the caller
// can answer 503 instead of letting work pile up without limit. The destructor (or
// shutdown()) finishes every queued task, then joins the threads.
// A task that throws never takes the process down: the exception is logged to stderr
// (with the pool's name) and counted in failed_tasks(), and the thread goes on.
// For /metrics: threads(), busy() (tasks running now) and queue_wait() (seconds from
// submit() to the task starting) are read without the pool's lock.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "metrics/atomic_histogram.h"

namespace ragscale::serve {

class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t max_queued, std::string name = "worker pool");
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool submit(std::function<void()> task);
  // Tasks waiting plus tasks running.
  size_t pending() const;
  // Tasks that ended with an exception.
  uint64_t failed_tasks() const { return failed_.load(std::memory_order_relaxed); }
  size_t threads() const { return threads_.size(); }
  // Tasks running now: threads() of them means a task submitted now waits.
  size_t busy() const { return busy_.load(std::memory_order_relaxed); }
  const metrics::AtomicHistogram& queue_wait() const { return queue_wait_; }
  void shutdown();

 private:
  void run();
  void run_task(std::function<void()>& task);

  using Clock = std::chrono::steady_clock;
  struct Queued {
    std::function<void()> task;
    Clock::time_point submitted;
  };

  size_t max_queued_;
  std::string name_;
  std::atomic<uint64_t> failed_{0};
  std::atomic<size_t> busy_{0};
  metrics::AtomicHistogram queue_wait_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Queued> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ragscale::serve
