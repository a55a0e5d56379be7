// SharedCache: the second level of the answer cache, in Redis, shared by every replica
// that uses the same Redis (QueryCache in each process stays the first level).
//
// Contract:
// - Keys are QueryCache::make_key() digests; an answer is stored under
//   ragscale:answer:<shared index generation>:<digest in hex> with the time-to-live of
//   the first level, so an answer of an older generation is simply never asked for
//   again and Redis's TTL (and its maxmemory policy) reclaims it.
// - get() completes exactly once: on the Redis client's thread, or at once on the
//   calling thread when Redis is down (a miss that costs no wait). A value found is a
//   hit, nothing found a miss, no answer (down, timeout) an error; errors also count
//   as degraded: the question is answered without the shared cache.
// - put() stores values up to max_value_bytes and drops larger ones; it never waits and
//   its failures count as errors.
// - Thread-safe; the Redis client outlives it.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "redis/redis_client.h"

namespace ragscale::serve {

class SharedCache {
 public:
  struct Options {
    std::chrono::milliseconds ttl{3600000};
    size_t max_value_bytes = 1024 * 1024;
  };
  using Found = std::function<void(std::optional<std::string> value)>;

  SharedCache(redis::RedisClient& redis, Options options) : redis_(redis), options_(options) {}

  void get(const std::string& key, uint64_t generation, Found done);
  void put(const std::string& key, uint64_t generation, std::string value);

  uint64_t hits() const { return hits_.load(); }
  uint64_t misses() const { return misses_.load(); }
  uint64_t errors() const { return errors_.load(); }
  uint64_t too_large() const { return too_large_.load(); }

  static std::string redis_key(const std::string& key, uint64_t generation);

 private:
  redis::RedisClient& redis_;
  Options options_;
  std::atomic<uint64_t> hits_{0};
  std::atomic<uint64_t> misses_{0};
  std::atomic<uint64_t> errors_{0};
  std::atomic<uint64_t> too_large_{0};
};

}  // namespace ragscale::serve
