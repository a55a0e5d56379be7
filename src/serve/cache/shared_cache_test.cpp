#include "serve/cache/shared_cache.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "serve/cache/query_cache.h"
#include "support/temporary_redis.h"

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;
using ragscale::testing::eventually;
using ragscale::testing::TemporaryRedis;

// One replica's shared cache over its own Redis connection.
struct Replica {
  explicit Replica(const TemporaryRedis& server, SharedCache::Options options = {})
      : redis(server.client_options()), cache(redis, options) {
    EXPECT_TRUE(eventually([this] { return redis.up(); }));
  }
  // The client stops first: its completions refer to the cache.
  ~Replica() { redis.shutdown(); }
  redis::RedisClient redis;
  SharedCache cache;
};

std::optional<std::string> lookup(SharedCache& cache, const std::string& key, uint64_t generation) {
  std::promise<std::optional<std::string>> promise;
  auto answer = promise.get_future();
  cache.get(key, generation, [&promise](std::optional<std::string> value) { promise.set_value(std::move(value)); });
  if (answer.wait_for(2s) != std::future_status::ready) ADD_FAILURE() << "no completion";
  return answer.get();
}

// put() does not wait: the next lookup on another connection may beat it to Redis.
std::optional<std::string> lookup_stored(SharedCache& cache, const std::string& key, uint64_t generation) {
  std::optional<std::string> found;
  eventually([&] { return (found = lookup(cache, key, generation)).has_value(); }, 1000ms);
  return found;
}

TEST(SharedCache, AnAnswerStoredByOneReplicaIsAHitOnAnother) {
  Replica a_replica(TemporaryRedis::shared()), b_replica(TemporaryRedis::shared());
  SharedCache& a = a_replica.cache;
  SharedCache& b = b_replica.cache;
  std::string key = QueryCache::make_key("shared across replicas?", "k=4");
  EXPECT_FALSE(lookup(b, key, 7));
  EXPECT_EQ(b.misses(), 1u);
  a.put(key, 7, "{\"answer\":\"yes\"}");
  EXPECT_EQ(lookup_stored(b, key, 7), "{\"answer\":\"yes\"}");
  EXPECT_GE(b.hits(), 1u);
  EXPECT_EQ(b.errors(), 0u);
}

TEST(SharedCache, AnotherGenerationIsAMissAndTheTtlExpiresAnswers) {
  SharedCache::Options options;
  options.ttl = 150ms;
  Replica replica(TemporaryRedis::shared(), options);
  SharedCache& cache = replica.cache;
  std::string key = QueryCache::make_key("generations", "k=4");
  cache.put(key, 1, "old");
  EXPECT_EQ(lookup_stored(cache, key, 1), "old");
  EXPECT_FALSE(lookup(cache, key, 2));
  std::this_thread::sleep_for(250ms);
  EXPECT_FALSE(lookup(cache, key, 1));
  std::string ttl = TemporaryRedis::shared().run("PTTL " + SharedCache::redis_key(key, 1));
  EXPECT_EQ(ttl, "-2");  // gone
}

TEST(SharedCache, KeysArePrintableAndValuesSizeBounded) {
  SharedCache::Options options;
  options.max_value_bytes = 10;
  Replica replica(TemporaryRedis::shared(), options);
  SharedCache& cache = replica.cache;
  std::string key = QueryCache::make_key("bounded", "");
  EXPECT_EQ(SharedCache::redis_key(key, 3).substr(0, 18), "ragscale:answer:3:");
  EXPECT_EQ(SharedCache::redis_key(key, 3).size(), 18u + 64u);
  cache.put(key, 3, std::string(11, 'x'));
  EXPECT_EQ(cache.too_large(), 1u);
  std::this_thread::sleep_for(20ms);
  EXPECT_FALSE(lookup(cache, key, 3));
}

TEST(SharedCache, RedisDownIsAnImmediateMissCountedAsAnErrorAndHitsComeBackWithIt) {
  TemporaryRedis server;
  Replica replica(server);
  SharedCache& cache = replica.cache;
  redis::RedisClient* redis = &replica.redis;
  std::string key = QueryCache::make_key("through an outage", "");
  cache.put(key, 1, "kept");
  EXPECT_EQ(lookup_stored(cache, key, 1), "kept");
  server.stop();
  ASSERT_TRUE(eventually([&redis] {
    redis->command({"PING"}, [](redis::RedisReply) {});
    return !redis->up();
  }));
  auto before = std::chrono::steady_clock::now();
  EXPECT_FALSE(lookup(cache, key, 1));
  EXPECT_LT(std::chrono::steady_clock::now() - before, 50ms);  // less than the 100 ms command timeout
  EXPECT_GE(cache.errors(), 1u);
  cache.put(key, 1, "not stored");  // fails fast too
  server.start();  // empty: nothing was persisted
  ASSERT_TRUE(eventually([&redis] { return redis->up(); }));
  EXPECT_FALSE(lookup(cache, key, 1));
  cache.put(key, 1, "again");
  EXPECT_EQ(lookup_stored(cache, key, 1), "again");
}

}  // namespace
}  // namespace ragscale::serve
