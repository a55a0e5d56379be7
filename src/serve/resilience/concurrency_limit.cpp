#include "serve/resilience/concurrency_limit.h"

#include <algorithm>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ragscale::serve::resilience {

namespace {

// Windows plainly averaged into the long-term RTT before the exponential average starts.
constexpr size_t kWarmupWindows = 10;

void require(bool ok, const char* what) {
  if (!ok) throw std::invalid_argument(std::string("adaptive concurrency limit: ") + what);
}

Clock::duration from_seconds(double seconds) {
  return std::chrono::round<Clock::duration>(std::chrono::duration<double>(seconds));
}

}  // namespace

void ConcurrencyLimitOptions::validate() const {
  require(min_limit >= 1, "min_limit must be at least 1");
  require(max_limit >= min_limit, "max_limit must be at least min_limit");
  require(initial_limit >= min_limit && initial_limit <= max_limit,
          "initial_limit must be within [min_limit, max_limit]");
  require(smoothing > 0 && smoothing <= 1, "smoothing must be in (0, 1]");
  require(long_window >= 1, "long_window must be at least 1");
  require(std::isfinite(queue_size) && queue_size >= 0, "queue_size must be a number >= 0");
  require(window >= Clock::duration::zero(), "window must not be negative");
  require(window_samples >= 1, "window_samples must be at least 1");
  require(backoff_ratio > 0 && backoff_ratio < 1, "backoff_ratio must be in (0, 1)");
}

AdaptiveConcurrencyLimit::AdaptiveConcurrencyLimit(Options options)
    : options_(options), estimate_(static_cast<double>(options_.initial_limit)) {
  options_.validate();
}

size_t AdaptiveConcurrencyLimit::current_limit() const {
  return std::clamp(static_cast<size_t>(estimate_), options_.min_limit, options_.max_limit);
}

std::optional<AdaptiveConcurrencyLimit::Ticket> AdaptiveConcurrencyLimit::try_acquire(TimePoint now) {
  std::lock_guard lock(mutex_);
  if (in_flight_ >= current_limit()) {
    ++rejected_total_;
    return std::nullopt;
  }
  ++in_flight_;
  return Ticket{now, in_flight_};
}

void AdaptiveConcurrencyLimit::release() {
  if (in_flight_ > 0) --in_flight_;
}

void AdaptiveConcurrencyLimit::on_success(const Ticket& ticket, TimePoint now) {
  std::lock_guard lock(mutex_);
  release();
  if (now <= ticket.start) return;  // no usable RTT
  if (!window_open_) {
    window_open_ = true;
    window_start_ = now;
  }
  window_rtt_sum_ += std::chrono::duration<double>(now - ticket.start).count();
  ++window_count_;
  window_max_in_flight_ = std::max(window_max_in_flight_, ticket.in_flight);
  if (now - window_start_ >= options_.window && window_count_ >= options_.window_samples) close_window();
}

void AdaptiveConcurrencyLimit::close_window() {
  const double short_rtt = window_rtt_sum_ / static_cast<double>(window_count_);
  const size_t max_in_flight = window_max_in_flight_;
  window_open_ = false;
  window_rtt_sum_ = 0;
  window_count_ = 0;
  window_max_in_flight_ = 0;

  short_rtt_ = short_rtt;
  if (long_samples_ < kWarmupWindows) {
    ++long_samples_;
    long_rtt_ += (short_rtt - long_rtt_) / static_cast<double>(long_samples_);
  } else {
    const double factor = 2.0 / (static_cast<double>(options_.long_window) + 1);
    long_rtt_ = long_rtt_ * (1 - factor) + short_rtt * factor;
  }
  const double long_rtt = long_rtt_;
  if (long_rtt_ > 2 * short_rtt) long_rtt_ *= 0.9;

  if (static_cast<double>(max_in_flight) < estimate_ / 2) return;
  const double gradient = std::clamp(long_rtt / short_rtt, 0.5, 1.0);
  const double target = estimate_ * gradient + options_.queue_size;
  estimate_ = estimate_ * (1 - options_.smoothing) + target * options_.smoothing;
  estimate_ = std::clamp(estimate_, static_cast<double>(options_.min_limit), static_cast<double>(options_.max_limit));
}

void AdaptiveConcurrencyLimit::on_dropped(const Ticket& ticket, TimePoint now) {
  std::lock_guard lock(mutex_);
  release();
  ++dropped_total_;
  if (ticket.start < last_decrease_) return;  // this flight already paid
  estimate_ = std::max(static_cast<double>(options_.min_limit), estimate_ * options_.backoff_ratio);
  last_decrease_ = now;
}

void AdaptiveConcurrencyLimit::on_ignored(const Ticket&) {
  std::lock_guard lock(mutex_);
  release();
}

size_t AdaptiveConcurrencyLimit::limit() const {
  std::lock_guard lock(mutex_);
  return current_limit();
}

size_t AdaptiveConcurrencyLimit::in_flight() const {
  std::lock_guard lock(mutex_);
  return in_flight_;
}

uint64_t AdaptiveConcurrencyLimit::rejected_total() const {
  std::lock_guard lock(mutex_);
  return rejected_total_;
}

AdaptiveConcurrencyLimit::Snapshot AdaptiveConcurrencyLimit::snapshot() const {
  std::lock_guard lock(mutex_);
  Snapshot out;
  out.limit = current_limit();
  out.in_flight = in_flight_;
  out.estimated_limit = estimate_;
  out.long_rtt = from_seconds(long_rtt_);
  out.short_rtt = from_seconds(short_rtt_);
  out.rejected_total = rejected_total_;
  out.dropped_total = dropped_total_;
  return out;
}

}  // namespace ragscale::serve::resilience
