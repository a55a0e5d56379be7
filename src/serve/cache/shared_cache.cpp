#include "serve/cache/shared_cache.h"

#include <algorithm>

#include "redis/redis_key.h"

namespace ragscale::serve {

std::string SharedCache::redis_key(const std::string& key, uint64_t generation) {
  std::string out = "ragscale:answer:" + std::to_string(generation) + ":";
  redis::append_hex(out, key);
  return out;
}

void SharedCache::get(const std::string& key, uint64_t generation, Found done) {
  redis_.command({"GET", redis_key(key, generation)}, [this, done = std::move(done)](redis::RedisReply reply) {
    if (!reply.ok || reply.server_error) {
      errors_.fetch_add(1);
      done(std::nullopt);
      return;
    }
    if (reply.nil) {
      misses_.fetch_add(1);
      done(std::nullopt);
      return;
    }
    hits_.fetch_add(1);
    done(std::move(reply.text));
  });
}

void SharedCache::put(const std::string& key, uint64_t generation, std::string value) {
  if (value.size() > options_.max_value_bytes) {
    too_large_.fetch_add(1);
    return;
  }
  auto ttl_ms = std::max<long long>(1, options_.ttl.count());
  redis_.command({"SET", redis_key(key, generation), std::move(value), "PX", std::to_string(ttl_ms)},
                 [this](redis::RedisReply reply) {
                   if (!reply.ok || reply.server_error) errors_.fetch_add(1);
                 });
}

}  // namespace ragscale::serve
