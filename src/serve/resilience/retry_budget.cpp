#include "serve/resilience/retry_budget.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace ragscale::serve::resilience {

namespace {

constexpr size_t kBuckets = 10;

Clock::duration bucket_width(double ratio, Clock::duration window) {
  if (!std::isfinite(ratio) || ratio < 0) {
    throw std::invalid_argument("retry budget: ratio must be a finite number >= 0 (0.1 allows 10% retries)");
  }
  if (window < Clock::duration(kBuckets)) {
    throw std::invalid_argument("retry budget: window must be positive (at least 10ns: it is counted in 10 buckets)");
  }
  return window / kBuckets;
}

}  // namespace

RetryBudget::Counts& RetryBudget::Counts::operator+=(const Counts& other) {
  attempts += other.attempts;
  retries += other.retries;
  return *this;
}

RetryBudget::Counts& RetryBudget::Counts::operator-=(const Counts& other) {
  attempts -= other.attempts;
  retries -= other.retries;
  return *this;
}

RetryBudget::RetryBudget(double ratio, size_t min_retries_per_window, Clock::duration window)
    : ratio_(ratio), min_retries_(min_retries_per_window), window_(bucket_width(ratio, window), kBuckets) {}

void RetryBudget::on_attempt(TimePoint now) {
  std::lock_guard lock(mutex_);
  window_.add({1, 0}, now);
}

bool RetryBudget::try_retry(TimePoint now) {
  std::lock_guard lock(mutex_);
  const Counts& total = window_.total(now);
  const double allowed = std::max(static_cast<double>(min_retries_), ratio_ * static_cast<double>(total.attempts));
  if (static_cast<double>(total.retries + 1) > allowed) {
    ++refused_total_;
    return false;
  }
  window_.add({0, 1}, now);
  ++retries_total_;
  return true;
}

uint64_t RetryBudget::retries_total() const {
  std::lock_guard lock(mutex_);
  return retries_total_;
}

uint64_t RetryBudget::refused_total() const {
  std::lock_guard lock(mutex_);
  return refused_total_;
}

}  // namespace ragscale::serve::resilience
