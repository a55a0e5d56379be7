#include "net/event_loop.h"

#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>

namespace ragscale::net {

namespace {

[[noreturn]] void throw_errno(const char* what) {
  throw std::runtime_error(std::string(what) + ": " + std::strerror(errno));
}

}  // namespace

Timer::~Timer() {
  if (loop_ != nullptr && armed()) loop_->disarm(*this);
}

EventLoop::EventLoop() : now_(Clock::now()) {
  epoll_fd_ = ::epoll_create1(EPOLL_CLOEXEC);
  if (epoll_fd_ < 0) throw_errno("epoll_create1");
  wake_fd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
  if (wake_fd_ < 0) throw_errno("eventfd");
  add(wake_fd_, EPOLLIN, nullptr);  // a null handler marks the wakeup fd in run()
}

EventLoop::~EventLoop() {
  for (Timer* timer : heap_) {
    timer->heap_index_ = Timer::kNotArmed;
    timer->loop_ = nullptr;
  }
  if (wake_fd_ >= 0) ::close(wake_fd_);
  if (epoll_fd_ >= 0) ::close(epoll_fd_);
}

void EventLoop::add(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_ADD, fd, &ev) != 0) throw_errno("epoll_ctl(ADD)");
}

void EventLoop::modify(int fd, uint32_t events, IoHandler* handler) {
  epoll_event ev{};
  ev.events = events;
  ev.data.ptr = handler;
  if (::epoll_ctl(epoll_fd_, EPOLL_CTL_MOD, fd, &ev) != 0) throw_errno("epoll_ctl(MOD)");
}

void EventLoop::remove(int fd) { ::epoll_ctl(epoll_fd_, EPOLL_CTL_DEL, fd, nullptr); }

bool EventLoop::heap_less(size_t a, size_t b) const {
  const Timer* x = heap_[a];
  const Timer* y = heap_[b];
  if (x->deadline_ != y->deadline_) return x->deadline_ < y->deadline_;
  return x->sequence_ < y->sequence_;
}

void EventLoop::heap_swap(size_t a, size_t b) {
  std::swap(heap_[a], heap_[b]);
  heap_[a]->heap_index_ = a;
  heap_[b]->heap_index_ = b;
}

void EventLoop::sift_up(size_t i) {
  while (i > 0) {
    size_t parent = (i - 1) / 2;
    if (!heap_less(i, parent)) break;
    heap_swap(i, parent);
    i = parent;
  }
}

void EventLoop::sift_down(size_t i) {
  for (;;) {
    size_t smallest = i;
    size_t left = 2 * i + 1;
    size_t right = left + 1;
    if (left < heap_.size() && heap_less(left, smallest)) smallest = left;
    if (right < heap_.size() && heap_less(right, smallest)) smallest = right;
    if (smallest == i) return;
    heap_swap(i, smallest);
    i = smallest;
  }
}

void EventLoop::heap_erase(size_t i) {
  size_t last = heap_.size() - 1;
  if (i != last) heap_swap(i, last);
  heap_.back()->heap_index_ = Timer::kNotArmed;
  heap_.pop_back();
  if (i < heap_.size()) {
    sift_up(i);
    sift_down(i);
  }
}

void EventLoop::arm(Timer& timer, TimePoint deadline) {
  if (timer.armed()) heap_erase(timer.heap_index_);
  timer.loop_ = this;
  timer.deadline_ = deadline;
  timer.sequence_ = next_sequence_++;
  timer.heap_index_ = heap_.size();
  heap_.push_back(&timer);
  sift_up(timer.heap_index_);
}

void EventLoop::disarm(Timer& timer) {
  if (timer.armed()) heap_erase(timer.heap_index_);
}

void EventLoop::post(std::function<void()> task) {
  {
    std::lock_guard lock(posted_mutex_);
    posted_.push_back(std::move(task));
  }
  wake();
}

void EventLoop::wake() {
  if (wake_pending_.exchange(true, std::memory_order_acq_rel)) return;
  uint64_t one = 1;
  [[maybe_unused]] ssize_t n = ::write(wake_fd_, &one, sizeof one);
}

void EventLoop::stop() {
  stop_requested_.store(true, std::memory_order_relaxed);
  wake();
}

void EventLoop::run_due_timers() {
  // Timers armed by a callback for "now" run in the next iteration, after I/O, so a
  // zero-delay rearm cannot starve the sockets.
  const TimePoint now = Clock::now();
  now_ = now;
  const uint64_t sequence_limit = next_sequence_;
  while (!heap_.empty()) {
    Timer* timer = heap_.front();
    if (timer->deadline_ > now || timer->sequence_ >= sequence_limit) break;
    heap_erase(0);
    timer->on_fire_();
  }
}

void EventLoop::run_posted_tasks() {
  wake_pending_.store(false, std::memory_order_release);
  {
    std::lock_guard lock(posted_mutex_);
    if (posted_.empty()) return;
    running_.swap(posted_);
  }
  for (auto& task : running_) task();
  running_.clear();
}

void EventLoop::defer(std::function<void()> task) { deferred_.push_back(std::move(task)); }

void EventLoop::run_deferred() {
  while (!deferred_.empty()) {
    std::vector<std::function<void()>> batch;
    batch.swap(deferred_);
    for (auto& task : batch) task();
  }
}

void EventLoop::run() {
  constexpr int kMaxEvents = 256;
  epoll_event events[kMaxEvents];
  while (!stop_requested_.load(std::memory_order_relaxed)) {
    timespec timeout{};
    timespec* timeout_ptr = nullptr;
    if (!heap_.empty()) {
      auto wait = heap_.front()->deadline_ - Clock::now();
      if (wait < Clock::duration::zero()) wait = Clock::duration::zero();
      auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(wait).count();
      timeout.tv_sec = ns / 1'000'000'000;
      timeout.tv_nsec = ns % 1'000'000'000;
      timeout_ptr = &timeout;
    }
    int n = ::epoll_pwait2(epoll_fd_, events, kMaxEvents, timeout_ptr, nullptr);
    if (n < 0) {
      if (errno == EINTR) continue;
      throw_errno("epoll_pwait2");
    }
    now_ = Clock::now();
    for (int i = 0; i < n; ++i) {
      auto* handler = static_cast<IoHandler*>(events[i].data.ptr);
      if (handler == nullptr) {
        uint64_t value;
        while (::read(wake_fd_, &value, sizeof value) > 0) {
        }
        continue;
      }
      handler->on_io(events[i].events);
    }
    run_deferred();
    run_due_timers();
    run_deferred();
    run_posted_tasks();
    run_deferred();
  }
}

}  // namespace ragscale::net
