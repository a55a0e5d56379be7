// SharedRateLimiter: a per-key token bucket whose level lives in Redis, so one key's
// limit holds across every replica sharing that Redis.
//
// Why decide locally: the limit is judged on the request's head, before its body is read
// (rate_limits.h), on a loop thread that must never wait on Redis. So each decision is
// made at once from a local bucket that mirrors the shared one, and every allowed
// request also takes its token from the shared bucket (an atomic Lua token bucket run
// with EVALSHA, on Redis's clock). Redis answers with the shared level; a local bucket
// above it is drained down to it. Another replica's spending thus reaches this one on
// its next request: across R replicas a key gets at most its burst plus about one
// request per other replica (plus the requests in flight) before it is refused
// everywhere, instead of R bursts.
//
// Contract:
// - try_take() never waits and is thread-safe; its decision is the local bucket's.
// - With Redis down, decisions are the local bucket's alone (counted in degraded());
//   the shared bucket takes over again when Redis is back.
// - Shared buckets are keyed ragscale:rate:<name>:<key in hex> and expire once full.
// - The Redis client outlives it (its completions refer here).
#pragma once

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "redis/redis_client.h"
#include "serve/resilience/keyed_rate_limiter.h"

namespace ragscale::serve::resilience {

class SharedRateLimiter {
 public:
  // `local` is the limiter used alone while Redis is down; it must outlive this.
  SharedRateLimiter(redis::RedisClient& redis, std::string name, RateSpec spec, KeyedRateLimiter& local);

  TokenBucket::Decision try_take(std::string_view key, TimePoint now);

  uint64_t degraded() const { return degraded_.load(); }
  // Shared takes Redis answered, and those it refused (spent on other replicas).
  uint64_t shared_takes() const { return shared_takes_.load(); }
  uint64_t shared_refusals() const { return shared_refusals_.load(); }

  static const std::string& script();

 private:
  void take_shared(std::string key);
  void settle(const std::string& key, const redis::RedisReply& reply);
  void reconcile(const std::string& key, double shared_level);

  redis::RedisClient& redis_;
  std::string prefix_;
  RateSpec spec_;
  KeyedRateLimiter& local_;
  std::string script_sha_;
  std::atomic<uint64_t> degraded_{0};
  std::atomic<uint64_t> shared_takes_{0};
  std::atomic<uint64_t> shared_refusals_{0};
};

}  // namespace ragscale::serve::resilience
