// QueryCache: an in-process cache of query answers, bounded by entry count and by
// bytes, with a time-to-live and least-recently-used eviction. Thread-safe.
//
// Stale-if-error: an answer past its time-to-live is no longer a hit, but it is kept
// for `stale_grace` longer so get_stale() can still serve it when the model fails.
//
// Keys are digests the caller builds with make_key() from the normalized question and
// the request parameters. Each answer records the index generation it was computed on:
// get() hits only an answer of the generation asked for, so an upload or delete (which
// advances the generation) makes older answers misses with no scan or invalidation pass,
// while get_stale() still finds the latest answer of any generation. Why not put the
// generation in the key: a service taking uploads all the time (a hundred a second in
// the seeds' mix) would then have no answer to fall back on when the model fails or the
// service sheds load, because every answer would belong to a generation just passed.
#pragma once

#include <chrono>
#include <cstdint>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

namespace ragscale::serve {

class QueryCache {
 public:
  using Clock = std::chrono::steady_clock;

  struct Limits {
    size_t max_entries = 10000;
    size_t max_bytes = 64 * 1024 * 1024;
    std::chrono::milliseconds ttl{3600000};
    std::chrono::milliseconds stale_grace{3600000};  // 0: expired answers are dropped at once
  };

  explicit QueryCache(Limits limits) : limits_(limits) {}

  struct Held {
    std::string value;
    uint64_t generation = 0;  // the index generation the answer was computed on
  };

  // SHA-256 of the normalized question (trimmed, lower-cased, inner whitespace
  // collapsed) and the parameters.
  static std::string make_key(std::string_view question, std::string_view parameters);

  // A fresh answer (within its time-to-live) computed on `generation`, counted as a hit
  // or a miss.
  std::optional<std::string> get(const std::string& key, uint64_t generation, Clock::time_point now = Clock::now());
  // The answer held for the key, of any generation, fresh or expired within the stale
  // grace (not counted as a hit).
  std::optional<Held> get_stale(const std::string& key, Clock::time_point now = Clock::now());
  // Replaces the key's answer. An entry larger than max_bytes is not stored.
  void put(const std::string& key, std::string value, uint64_t generation, Clock::time_point now = Clock::now());

  size_t entries() const;
  size_t bytes() const;
  uint64_t hits() const;
  uint64_t misses() const;

 private:
  struct Entry {
    std::string key;
    std::string value;
    uint64_t generation;
    Clock::time_point expires;
  };
  void erase(std::list<Entry>::iterator it);
  static size_t cost(const Entry& entry) { return entry.key.size() + entry.value.size() + 64; }

  Limits limits_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, std::list<Entry>::iterator> index_;
  size_t bytes_ = 0;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace ragscale::serve
