#include "serve/worker_pool.h"

#include <cstdio>
#include <exception>

namespace ragscale::serve {

WorkerPool::WorkerPool(size_t threads, size_t max_queued, std::string name)
    : max_queued_(max_queued), name_(std::move(name)) {
  if (threads == 0) threads = 1;
  for (size_t i = 0; i < threads; ++i) threads_.emplace_back([this] { run(); });
}

WorkerPool::~WorkerPool() { shutdown(); }

bool WorkerPool::submit(std::function<void()> task) {
  {
    std::lock_guard lock(mutex_);
    if (stopping_ || queue_.size() >= max_queued_) return false;
    queue_.push_back({std::move(task), Clock::now()});
  }
  wake_.notify_one();
  return true;
}

size_t WorkerPool::pending() const {
  std::lock_guard lock(mutex_);
  return queue_.size() + running_;
}

void WorkerPool::shutdown() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  for (auto& thread : threads_) {
    if (thread.joinable()) thread.join();
  }
}

void WorkerPool::run() {
  for (;;) {
    Queued next;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      next = std::move(queue_.front());
      queue_.pop_front();
      ++running_;
    }
    queue_wait_.observe(std::chrono::duration<double>(Clock::now() - next.submitted).count());
    busy_.fetch_add(1, std::memory_order_relaxed);
    run_task(next.task);
    busy_.fetch_sub(1, std::memory_order_relaxed);
    std::lock_guard lock(mutex_);
    --running_;
  }
}

void WorkerPool::run_task(std::function<void()>& task) {
  try {
    task();
  } catch (const std::exception& e) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "ragscale serve: a %s task failed: %s\n", name_.c_str(), e.what());
  } catch (...) {
    failed_.fetch_add(1, std::memory_order_relaxed);
    std::fprintf(stderr, "ragscale serve: a %s task failed with an unknown exception\n", name_.c_str());
  }
}

}  // namespace ragscale::serve
