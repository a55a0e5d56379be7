#include "serve/api/login_throttle.h"

namespace ragscale::serve {

void LoginThrottle::drop_expired(Entry& entry, Clock::time_point now) const {
  while (!entry.failures.empty() && entry.failures.front() + limits_.window <= now) entry.failures.pop_front();
}

std::chrono::milliseconds LoginThrottle::wait(const std::string& key, Clock::time_point now) {
  auto found = entries_.find(key);
  if (found == entries_.end()) return std::chrono::milliseconds(0);
  drop_expired(found->second, now);
  if (found->second.failures.size() < limits_.max_failures) return std::chrono::milliseconds(0);
  auto free_at = found->second.failures.front() + limits_.window;
  return std::chrono::ceil<std::chrono::milliseconds>(free_at - now);
}

void LoginThrottle::record_failure(const std::string& key, Clock::time_point now) {
  if (limits_.max_failures == 0 || limits_.max_keys == 0) return;
  auto found = entries_.find(key);
  if (found == entries_.end()) {
    if (entries_.size() >= limits_.max_keys) {
      entries_.erase(recency_.front());
      recency_.pop_front();
    }
    found = entries_.emplace(key, Entry{}).first;
    found->second.recency = recency_.insert(recency_.end(), key);
  } else {
    recency_.splice(recency_.end(), recency_, found->second.recency);
  }
  auto& failures = found->second.failures;
  drop_expired(found->second, now);
  failures.push_back(now);
  while (failures.size() > limits_.max_failures) failures.pop_front();
}

void LoginThrottle::forget(const std::string& key) {
  auto found = entries_.find(key);
  if (found == entries_.end()) return;
  recency_.erase(found->second.recency);
  entries_.erase(found);
}

}  // namespace ragscale::serve
