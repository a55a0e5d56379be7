#include "serve/cache/shared_generation.h"

#include <gtest/gtest.h>

#include "support/temporary_redis.h"

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;
using ragscale::testing::eventually;
using ragscale::testing::TemporaryRedis;

// Declared after the SharedGenerations: the clients stop before those go, however the
// test ends (their completions refer to them).
struct StopFirst {
  redis::RedisClient& a;
  redis::RedisClient& b;
  ~StopFirst() {
    a.shutdown();
    b.shutdown();
  }
};

TEST(SharedGeneration, OneReplicasBumpReachesTheOthersWithinARefresh) {
  auto& server = TemporaryRedis::shared();
  server.run(std::string("DEL ") + SharedGeneration::kKey);
  redis::RedisClient a_redis(server.client_options()), b_redis(server.client_options());
  std::atomic<int> a_changes{0}, b_changes{0};
  SharedGeneration a(a_redis, 20ms, [&] { ++a_changes; });
  SharedGeneration b(b_redis, 20ms, [&] { ++b_changes; });
  StopFirst stop_first{a_redis, b_redis};
  ASSERT_TRUE(eventually([&] { return a_redis.up() && b_redis.up(); }));
  std::this_thread::sleep_for(60ms);  // both have read the starting value
  EXPECT_EQ(b_changes.load(), 0);
  a.bump();
  ASSERT_TRUE(eventually([&] { return b_changes.load() == 1; }, 1000ms));
  EXPECT_EQ(b.current(), 1u);
  EXPECT_EQ(a.current(), 1u);
  EXPECT_EQ(server.run(std::string("GET ") + SharedGeneration::kKey), "1");
}

TEST(SharedGeneration, ABumpWhileRedisIsDownIsSentWhenItIsBack) {
  TemporaryRedis server;
  redis::RedisClient a_redis(server.client_options()), b_redis(server.client_options());
  std::atomic<int> b_changes{0};
  SharedGeneration a(a_redis, 20ms, nullptr);
  SharedGeneration b(b_redis, 20ms, [&] { ++b_changes; });
  StopFirst stop_first{a_redis, b_redis};
  ASSERT_TRUE(eventually([&] { return a_redis.up() && b_redis.up(); }));
  a.bump();
  ASSERT_TRUE(eventually([&] { return b.current() == 1; }, 1000ms));
  server.stop();
  ASSERT_TRUE(eventually([&] { return !a_redis.up() && !b_redis.up(); }, 2000ms));
  a.bump();
  a.bump();
  int changes = b_changes.load();
  server.start();  // empty: the counter starts again from what is sent
  ASSERT_TRUE(eventually([&] { return b.current() == 2; }, 3000ms));
  EXPECT_GT(b_changes.load(), changes);
}

}  // namespace
}  // namespace ragscale::serve
