// SharedGeneration: the index generation every replica sharing one Redis agrees on —
// the counter ragscale:index_generation, INCRemented by a replica whose index changed
// (an upload or a delete) — read back by each replica every `refresh` on the Redis
// client's thread.
//
// Contract:
// - bump() counts a local change: INCR at once, and again on each refresh until Redis
//   has taken it, so a change made while Redis is down still invalidates the others
//   once it is back.
// - current() is the latest value read (0 until the first read). When a refresh sees it
//   move, `on_change` runs (on the Redis client's thread): the replica then treats its
//   own cached answers as of an older generation, so one replica's upload makes stale
//   answers misses everywhere within about `refresh`.
// - Thread-safe. Never waits: with Redis down current() keeps its last value.
// - The Redis client is shut down before this is destroyed (its completions refer here).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>

#include "net/event_loop.h"
#include "redis/redis_client.h"

namespace ragscale::serve {

class SharedGeneration {
 public:
  static constexpr const char* kKey = "ragscale:index_generation";

  SharedGeneration(redis::RedisClient& redis, std::chrono::milliseconds refresh, std::function<void()> on_change);
  SharedGeneration(const SharedGeneration&) = delete;
  SharedGeneration& operator=(const SharedGeneration&) = delete;

  void bump();
  uint64_t current() const { return current_.load(); }

 private:
  void tick();  // on the Redis client's thread
  void send_bumps();
  void seen(uint64_t value);

  redis::RedisClient& redis_;
  std::chrono::milliseconds refresh_;
  std::function<void()> on_change_;
  net::Timer timer_;
  std::atomic<uint64_t> current_{0};
  std::atomic<bool> known_{false};
  std::atomic<uint64_t> unsent_bumps_{0};
};

}  // namespace ragscale::serve
