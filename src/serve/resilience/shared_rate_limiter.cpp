#include "serve/resilience/shared_rate_limiter.h"

#include <openssl/sha.h>

#include <cstdio>
#include <cstdlib>

#include "redis/redis_key.h"

namespace ragscale::serve::resilience {
namespace {

std::string sha1_hex(const std::string& text) {
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(text.data()), text.size(), digest);
  std::string hex;
  redis::append_hex(hex, std::string_view(reinterpret_cast<const char*>(digest), sizeof digest));
  return hex;
}

std::string number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.17g", value);
  return buffer;
}

}  // namespace

// KEYS[1] the bucket; ARGV rate per second, burst, cost. Refills by Redis's own clock,
// so replicas' clocks never disagree about it. Returns {allowed, level after}.
const std::string& SharedRateLimiter::script() {
  static const std::string text = R"lua(
local rate = tonumber(ARGV[1])
local burst = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1000000
local held = redis.call('HMGET', KEYS[1], 'tokens', 'at')
local tokens = tonumber(held[1]) or burst
local at = tonumber(held[2]) or now
if now > at then tokens = math.min(burst, tokens + (now - at) * rate) end
local allowed = 0
if tokens >= cost then
  tokens = tokens - cost
  allowed = 1
end
redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil((burst - tokens) / rate * 1000) + 1000)
return {allowed, tostring(tokens)}
)lua";
  return text;
}

SharedRateLimiter::SharedRateLimiter(redis::RedisClient& redis, std::string name, RateSpec spec,
                                     KeyedRateLimiter& local)
    : redis_(redis), prefix_("ragscale:rate:" + name + ":"), spec_(spec), local_(local),
      script_sha_(sha1_hex(script())) {}

TokenBucket::Decision SharedRateLimiter::try_take(std::string_view key, TimePoint now) {
  auto decision = local_.try_take(key, now);
  if (!redis_.up()) {
    degraded_.fetch_add(1);
    return decision;
  }
  if (decision.allowed) take_shared(std::string(key));
  return decision;
}

void SharedRateLimiter::take_shared(std::string key) {
  std::string bucket = prefix_;
  redis::append_hex(bucket, key);
  std::vector<std::string> args = {"EVALSHA", script_sha_, "1", bucket, number(spec_.per_second), number(spec_.burst),
                                   "1"};
  redis_.command(args, [this, key = std::move(key), args](redis::RedisReply reply) mutable {
    if (reply.ok && reply.server_error && reply.text.rfind("NOSCRIPT", 0) == 0) {
      // Redis does not hold the script yet (it restarted, or this is the first call): EVAL
      // sends it once and Redis keeps it for the EVALSHAs after.
      args[0] = "EVAL";
      args[1] = script();
      redis_.command(std::move(args), [this, key = std::move(key)](redis::RedisReply again) { settle(key, again); });
      return;
    }
    settle(key, reply);
  });
}

void SharedRateLimiter::settle(const std::string& key, const redis::RedisReply& reply) {
  if (!reply.ok || reply.server_error || reply.elements.size() != 2) return;
  shared_takes_.fetch_add(1);
  if (reply.elements[0].integer == 0) shared_refusals_.fetch_add(1);
  reconcile(key, std::strtod(reply.elements[1].text.c_str(), nullptr));
}

void SharedRateLimiter::reconcile(const std::string& key, double shared_level) {
  auto now = Clock::now();
  double level = local_.try_take(key, now, 0).remaining;
  if (level > shared_level) local_.try_take(key, now, level - shared_level);
}

}  // namespace ragscale::serve::resilience
