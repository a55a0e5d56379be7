// WorkerPool: a fixed set of threads running submitted tasks from a bounded FIFO
// queue. submit() never blocks: when the queue is full it returns false so the caller
// can answer 503 instead of letting work pile up without limit. The destructor (or
// shutdown()) finishes every queued task, then joins the threads.
#pragma once

#include <condition_variable>
#include <cstddef>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ragscale::serve {

class WorkerPool {
 public:
  WorkerPool(size_t threads, size_t max_queued);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  bool submit(std::function<void()> task);
  // Tasks waiting plus tasks running.
  size_t pending() const;
  void shutdown();

 private:
  void run();

  size_t max_queued_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void()>> queue_;
  size_t running_ = 0;
  bool stopping_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace ragscale::serve
