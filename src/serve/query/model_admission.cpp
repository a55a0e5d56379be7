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
      count_grant(now);
      metrics_.llm_queue_wait(0.0);
    } else if (waiters_.size() < options_.max_waiting && options_.max_wait.count() > 0 && could_wait()) {
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
      count_grant(now);
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

void ModelAdmission::count_grant(Clock::time_point now) {
  if (window_start_ == Clock::time_point{}) window_start_ = now;
  ++window_grants_;
  auto elapsed = std::chrono::duration<double>(now - window_start_).count();
  if (elapsed < 1.0) return;
  double rate = static_cast<double>(window_grants_) / elapsed;
  throughput_ = throughput_ == 0 ? rate : 0.5 * throughput_ + 0.5 * rate;
  window_start_ = now;
  window_grants_ = 0;
}

bool ModelAdmission::could_wait() const {
  // Until a rate is known, and while it is only a guess for a model nobody has been
  // waiting for, a question may wait.
  if (throughput_ <= 0 || waiters_.empty()) return true;
  // Half the places that free up within max_wait: the rate wobbles (the limit moves), and a
  // waiter that times out after all has paid the whole wait for a refusal.
  double places = 0.5 * throughput_ * std::chrono::duration<double>(options_.max_wait).count();
  return static_cast<double>(waiters_.size()) < places;
}

size_t ModelAdmission::waiting() const {
  std::lock_guard lock(mutex_);
  return waiters_.size();
}

}  // namespace ragscale::serve
