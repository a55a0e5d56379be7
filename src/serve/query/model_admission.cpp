#include "serve/query/model_admission.h"

#include <vector>

namespace ragscale::serve {

ModelAdmission::ModelAdmission(Options options, PipelineMetrics& metrics)
    : options_(options), metrics_(metrics), limit_(options.limit) {
  expiry_ = std::thread([this] { expire(); });
}

ModelAdmission::~ModelAdmission() { shutdown(); }

void ModelAdmission::shutdown() {
  std::deque<Waiter> left;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
    left.swap(waiters_);
  }
  wake_.notify_all();
  if (expiry_.joinable()) expiry_.join();
  for (auto& waiter : left) waiter.granted(std::nullopt);
}

void ModelAdmission::acquire(Granted granted) {
  auto now = Clock::now();
  std::optional<Ticket> ticket;
  {
    std::lock_guard lock(mutex_);
    if (stopping_) {
      // Answered below, outside the lock.
    } else if (waiters_.empty() && (ticket = limit_.try_acquire(now))) {
      metrics_.llm_queue_wait(0.0);
    } else if (waiters_.size() < options_.max_waiting && options_.max_wait.count() > 0) {
      bool first = waiters_.empty();
      waiters_.push_back({std::move(granted), now});
      if (first) wake_.notify_one();
      return;
    }
  }
  granted(ticket);
}

void ModelAdmission::release(const Ticket& ticket, Outcome outcome) {
  auto now = Clock::now();
  switch (outcome) {
    case Outcome::kSuccess: limit_.on_success(ticket, now); break;
    case Outcome::kDropped: limit_.on_dropped(ticket, now); break;
    case Outcome::kIgnored: limit_.on_ignored(ticket); break;
  }
  metrics_.admission_limit("llm", limit_.limit());
  grant_waiters();
}

void ModelAdmission::grant_waiters() {
  for (;;) {
    Waiter next;
    std::optional<Ticket> ticket;
    {
      std::lock_guard lock(mutex_);
      if (waiters_.empty()) return;
      auto now = Clock::now();
      ticket = limit_.try_acquire(now);
      if (!ticket) return;
      next = std::move(waiters_.front());
      waiters_.pop_front();
      metrics_.llm_queue_wait(std::chrono::duration<double>(now - next.since).count());
    }
    next.granted(ticket);
  }
}

void ModelAdmission::expire() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    if (waiters_.empty()) {
      wake_.wait(lock);
      continue;
    }
    auto due = waiters_.front().since + options_.max_wait;
    if (Clock::now() < due) {
      wake_.wait_until(lock, due);
      continue;
    }
    // The oldest waiters waited long enough; they are the front of the queue.
    std::vector<Waiter> expired;
    auto now = Clock::now();
    while (!waiters_.empty() && waiters_.front().since + options_.max_wait <= now) {
      metrics_.llm_queue_wait(std::chrono::duration<double>(now - waiters_.front().since).count());
      expired.push_back(std::move(waiters_.front()));
      waiters_.pop_front();
    }
    lock.unlock();
    for (auto& waiter : expired) waiter.granted(std::nullopt);
    lock.lock();
  }
}

size_t ModelAdmission::waiting() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace ragscale::serve
