// KeyedRateLimiter: one TokenBucket per key (API key, client address), in bounded memory.
//
// Contract:
// - try_take(key, now, cost) answers from the key's bucket; a key seen for the first
//   time (or again after being forgotten) gets a full bucket. All keys share one rate
//   and burst.
// - Memory: a key untouched for its bucket's time_to_fill() (burst / rate) is forgotten,
//   since its bucket is full again and would be recreated exactly as it is; forgetting
//   such keys changes no decision. Beyond that, at most max_keys keys are kept: a new key
//   past the bound evicts the least recently used one (evicted_total() counts these).
// - Fairness of the bound: an evicted key had tokens still owed, and comes back with a
//   full burst. That happens only when more than max_keys distinct keys were active
//   within one fill time; it then errs towards allowing (a client spraying many keys can
//   reset buckets, its own and others'), and never refuses a key more than its own rate
//   would. Put a global limit (one TokenBucket, the concurrency limit) in front for
//   that case.
// Thread-safe: one internal mutex; every call is O(1) amortized (forgetting walks only
// keys that are due).
#pragma once

#include <cstdint>
#include <list>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "serve/resilience/token_bucket.h"

namespace ragscale::serve::resilience {

class KeyedRateLimiter {
 public:
  // Throws std::invalid_argument when TokenBucket(rate_per_second, burst) would, or
  // max_keys is 0.
  KeyedRateLimiter(double rate_per_second, double burst, size_t max_keys = 100000);
  explicit KeyedRateLimiter(RateSpec spec, size_t max_keys = 100000)
      : KeyedRateLimiter(spec.per_second, spec.burst, max_keys) {}

  TokenBucket::Decision try_take(std::string_view key, TimePoint now, double cost = 1);

  size_t tracked_keys() const;
  uint64_t evicted_total() const;

 private:
  struct Entry {
    std::string key;
    TokenBucket bucket;
    TimePoint last_used;
  };
  using Lru = std::list<Entry>;  // most recently used first

  void forget_full(TimePoint now);

  const TokenBucket prototype_;
  const Clock::duration fill_time_;
  const size_t max_keys_;
  mutable std::mutex mutex_;
  Lru lru_;
  std::unordered_map<std::string_view, Lru::iterator> index_;  // views into lru_ keys
  uint64_t evicted_total_ = 0;
};

}  // namespace ragscale::serve::resilience
