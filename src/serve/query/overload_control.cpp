#include "serve/query/overload_control.h"


namespace ragscale::serve {

OverloadControl::OverloadControl(Options options, std::function<bool()> breaker_open, PipelineMetrics& metrics)
    : options_(std::move(options)),
      breaker_open_(std::move(breaker_open)),
      metrics_(metrics),
      limit_(options_.limit),
      ladder_(options_.ladder),
      interval_start_(Clock::now()) {}

OverloadControl::ServiceMode OverloadControl::mode(Clock::time_point now) {
  sample(now);
  return static_cast<ServiceMode>(mode_.load(std::memory_order_relaxed));
}

OverloadControl::Admission OverloadControl::admit(Clock::time_point now) {
  Admission admission;
  admission.mode = mode(now);
  if (admission.mode >= ServiceMode::kCachedOnly) return admission;
  admission.ticket = limit_.try_acquire(now);
  std::lock_guard lock(mutex_);
  if (admission.ticket) {
    ++admitted_;
  } else {
    ++shed_;
    metrics_.shed("workers");
  }
  return admission;
}

void OverloadControl::finish(const Ticket& ticket, bool ok, std::chrono::duration<double> queue_delay) {
  if (ok) {
    limit_.on_success(ticket, Clock::now());
  } else {
    limit_.on_ignored(ticket);
  }
  std::lock_guard lock(mutex_);
  queue_delay_sum_ += queue_delay.count();
  ++queue_delay_samples_;
}

// Once an interval has passed, its counts become the ladder's pressure sample.
void OverloadControl::sample(Clock::time_point now) {
  resilience::Pressure pressure;
  {
    std::lock_guard lock(mutex_);
    if (now - interval_start_ < options_.interval) return;
    uint64_t total = admitted_ + shed_;
    pressure.shed_rate = total == 0 ? 0.0 : static_cast<double>(shed_) / static_cast<double>(total);
    pressure.queue_delay_seconds = queue_delay_samples_ == 0 ? 0.0 : queue_delay_sum_ / queue_delay_samples_;
    admitted_ = shed_ = 0;
    queue_delay_sum_ = 0;
    queue_delay_samples_ = 0;
    interval_start_ = now;
  }
  pressure.llm_breaker_open = breaker_open_ && breaker_open_();
  auto mode = ladder_.update(pressure, now);
  mode_.store(static_cast<int>(mode), std::memory_order_relaxed);
  metrics_.admission_limit("workers", limit_.limit());
}

}  // namespace ragscale::serve
