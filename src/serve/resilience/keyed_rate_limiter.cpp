#include "serve/resilience/keyed_rate_limiter.h"

#include <stdexcept>

namespace ragscale::serve::resilience {

namespace {

size_t checked_max_keys(size_t max_keys) {
  if (max_keys == 0) throw std::invalid_argument("keyed rate limiter: max_keys must be at least 1");
  return max_keys;
}

}  // namespace

KeyedRateLimiter::KeyedRateLimiter(double rate_per_second, double burst, size_t max_keys)
    : prototype_(rate_per_second, burst), fill_time_(prototype_.time_to_fill()), max_keys_(checked_max_keys(max_keys)) {}

void KeyedRateLimiter::forget_full(TimePoint now) {
  // The list is in order of last use, so the keys due to be forgotten are at its tail.
  while (!lru_.empty() && now - lru_.back().last_used >= fill_time_) {
    index_.erase(lru_.back().key);
    lru_.pop_back();
  }
}

TokenBucket::Decision KeyedRateLimiter::try_take(std::string_view key, TimePoint now, double cost) {
  std::lock_guard lock(mutex_);
  forget_full(now);
  auto found = index_.find(key);
  if (found != index_.end()) {
    lru_.splice(lru_.begin(), lru_, found->second);
  } else {
    if (lru_.size() >= max_keys_) {
      index_.erase(lru_.back().key);
      lru_.pop_back();
      ++evicted_total_;
    }
    lru_.push_front(Entry{std::string(key), prototype_, now});
    index_.emplace(lru_.front().key, lru_.begin());
  }
  Entry& entry = lru_.front();
  // Calls from several threads may arrive slightly out of time order; keep the latest.
  if (now > entry.last_used) entry.last_used = now;
  return entry.bucket.try_take(now, cost);
}

size_t KeyedRateLimiter::tracked_keys() const {
  std::lock_guard lock(mutex_);
  return lru_.size();
}

uint64_t KeyedRateLimiter::evicted_total() const {
  std::lock_guard lock(mutex_);
  return evicted_total_;
}

}  // namespace ragscale::serve::resilience
