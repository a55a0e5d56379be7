// WorkerPool: a fixed set of threads running submitted tasks from a bounded FIFO
// queue. submit() never blocks: when the queue is full it returns false so the caller
// can answer 503 instead of letting work pile up without limit. The destructor (or
// shutdown()) finishes every queued task, then joins the threads.
// A task that throws never takes the process down: the exception is logged to stderr
// (with the pool's name) and counted in failed_tasks(), and the thread goes on.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

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
  void shutdown();

 private:
  void run();
  void run_task(std::function<void()>& task);

  size_t max_queued_;
  std::string name_;
  std::atomic<uint64_t> failed_{0};
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ragscale::serve
