#include "serve/resilience/shared_rate_limiter.h"

#include <gtest/gtest.h>

#include "support/temporary_redis.h"

namespace ragscale::serve::resilience {
namespace {

using namespace std::chrono_literals;
using ragscale::testing::eventually;
using ragscale::testing::TemporaryRedis;

// One replica: its Redis connection, its local buckets and the shared limiter over them.
struct Replica {
  Replica(const TemporaryRedis& server, const std::string& name, RateSpec spec)
      : redis(server.client_options()), local(spec), shared(redis, name, spec, local) {
    EXPECT_TRUE(eventually([this] { return redis.up(); }));
  }
  // The client stops first: its completions refer to the limiter and its buckets.
  ~Replica() { redis.shutdown(); }
  // A request, and the wait for Redis's answer that a request's own work gives it.
  bool request(const std::string& key) {
    uint64_t answered = shared.shared_takes();
    bool allowed = shared.try_take(key, Clock::now()).allowed;
    if (allowed && redis.up()) eventually([&] { return shared.shared_takes() > answered; }, 500ms);
    return allowed;
  }
  redis::RedisClient redis;
  KeyedRateLimiter local;
  SharedRateLimiter shared;
};

TEST(SharedRateLimiter, AKeysLimitHoldsAcrossReplicas) {
  RateSpec spec = parse_rate("10/min");  // burst 10, a token every 6 s: none refill during the test
  Replica a(TemporaryRedis::shared(), "across", spec), b(TemporaryRedis::shared(), "across", spec);
  int allowed = 0;
  for (int i = 0; i < 40; ++i) allowed += (i % 2 ? a : b).request("key:one") ? 1 : 0;
  // Local buckets alone would pass 20 (10 each); shared, the burst and about one a replica.
  EXPECT_GE(allowed, 10);
  EXPECT_LE(allowed, 12);
  EXPECT_GE(a.shared.shared_refusals() + b.shared.shared_refusals(), 1u);
  // Another key has its own bucket.
  EXPECT_TRUE(a.request("key:two"));
  EXPECT_EQ(a.shared.degraded() + b.shared.degraded(), 0u);
}

TEST(SharedRateLimiter, LoadsItsScriptAgainWhenRedisForgotIt) {
  RateSpec spec = parse_rate("100/min");
  Replica a(TemporaryRedis::shared(), "flushed", spec);
  EXPECT_TRUE(a.request("key:x"));
  TemporaryRedis::shared().run("SCRIPT FLUSH");
  uint64_t before = a.shared.shared_takes();
  EXPECT_TRUE(a.request("key:x"));
  EXPECT_GT(a.shared.shared_takes(), before);
  std::string bucket = "ragscale:rate:flushed:";
  bucket += "6b65793a78";  // "key:x" in hex
  EXPECT_EQ(TemporaryRedis::shared().run("HGET " + bucket + " tokens").substr(0, 2), "98");
}

TEST(SharedRateLimiter, FallsBackToTheLocalBucketWhileRedisIsDownAndReturnsAfter) {
  TemporaryRedis server;
  RateSpec spec = parse_rate("5/min");
  Replica a(server, "outage", spec), b(server, "outage", spec);
  for (int i = 0; i < 5; ++i) EXPECT_TRUE(a.request("key:k"));
  EXPECT_TRUE(b.request("key:k"));   // b's own bucket was full: the one request over
  EXPECT_FALSE(b.request("key:k"));  // Redis's answer drained it to the shared level
  server.stop();
  ASSERT_TRUE(eventually([&] {
    b.redis.command({"PING"}, [](redis::RedisReply) {});
    return !b.redis.up();
  }));
  // Down: b's decisions are its local buckets' alone (the drained one stays drained).
  EXPECT_FALSE(b.request("key:k"));
  EXPECT_TRUE(b.request("key:fresh"));
  EXPECT_EQ(b.shared.degraded(), 2u);
  server.start();
  ASSERT_TRUE(eventually([&] { return b.redis.up(); }));
  uint64_t degraded = b.shared.degraded();
  EXPECT_TRUE(b.request("key:after"));
  EXPECT_EQ(b.shared.degraded(), degraded);
}

}  // namespace
}  // namespace ragscale::serve::resilience
