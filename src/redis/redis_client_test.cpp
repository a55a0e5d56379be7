#include "redis/redis_client.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>

#include "support/temporary_redis.h"

namespace ragscale::redis {
namespace {

using namespace std::chrono_literals;
using testing::TemporaryRedis;

RedisReply call(RedisClient& client, std::vector<std::string> args) {
  auto promise = std::make_shared<std::promise<RedisReply>>();
  auto answer = promise->get_future();
  client.command(std::move(args), [promise](RedisReply reply) { promise->set_value(std::move(reply)); });
  if (answer.wait_for(5s) != std::future_status::ready) return RedisReply::failed("the test waited 5 s in vain");
  return answer.get();
}

bool wait_until_up(const RedisClient& client, std::chrono::milliseconds limit = 5000ms) {
  return testing::eventually([&client] { return client.up(); }, limit);
}

TEST(RedisClient, SendsBinarySafeCommandsAndReadsEveryKindOfReply) {
  RedisClient client(TemporaryRedis::shared().client_options());
  ASSERT_TRUE(wait_until_up(client));
  std::string value("a\0b\r\nc", 6);
  EXPECT_EQ(call(client, {"SET", "client:binary", value}).text, "OK");
  EXPECT_EQ(call(client, {"GET", "client:binary"}).text, value);
  EXPECT_TRUE(call(client, {"GET", "client:absent"}).nil);
  EXPECT_EQ(call(client, {"INCRBY", "client:counter", "5"}).integer, 5);
  auto list = call(client, {"MGET", "client:binary", "client:absent"});
  ASSERT_EQ(list.elements.size(), 2u);
  EXPECT_EQ(list.elements[0].text, value);
  EXPECT_TRUE(list.elements[1].nil);
  auto wrong = call(client, {"NOSUCHCOMMAND"});
  EXPECT_TRUE(wrong.ok);
  EXPECT_TRUE(wrong.server_error);
  EXPECT_FALSE(wrong.text.empty());
}

TEST(RedisClient, AnswersPipelinedCommandsInOrderOnItsOwnThread) {
  RedisClient client(TemporaryRedis::shared().client_options());
  ASSERT_TRUE(wait_until_up(client));
  call(client, {"DEL", "client:order"});
  constexpr int kCommands = 500;
  std::promise<void> all;
  std::vector<long long> seen;
  std::thread::id caller = std::this_thread::get_id();
  bool other_thread = true;
  for (int i = 0; i < kCommands; ++i) {
    client.command({"INCR", "client:order"}, [&, i](RedisReply reply) {
      seen.push_back(reply.integer);
      other_thread = other_thread && std::this_thread::get_id() != caller;
      if (i == kCommands - 1) all.set_value();
    });
  }
  ASSERT_EQ(all.get_future().wait_for(5s), std::future_status::ready);
  ASSERT_EQ(seen.size(), static_cast<size_t>(kCommands));
  for (int i = 0; i < kCommands; ++i) EXPECT_EQ(seen[i], i + 1);
  EXPECT_TRUE(other_thread);
}

TEST(RedisClient, SelectsTheUrlsDatabase) {
  auto options = TemporaryRedis::shared().client_options();
  options.url.db = 2;
  RedisClient client(options);
  ASSERT_TRUE(wait_until_up(client));
  call(client, {"SET", "client:db", "two"});
  RedisClient other(TemporaryRedis::shared().client_options());
  ASSERT_TRUE(wait_until_up(other));
  EXPECT_TRUE(call(other, {"GET", "client:db"}).nil);
  EXPECT_EQ(call(client, {"GET", "client:db"}).text, "two");
}

TEST(RedisClient, FailsFastWhileNoRedisListens) {
  TemporaryRedis redis;
  auto options = redis.client_options();
  redis.stop();
  RedisClient client(options);
  std::this_thread::sleep_for(50ms);
  EXPECT_FALSE(client.up());
  auto before = std::chrono::steady_clock::now();
  auto reply = call(client, {"PING"});
  EXPECT_LT(std::chrono::steady_clock::now() - before, 50ms);  // no connect timeout, no command timeout
  EXPECT_FALSE(reply.ok);
  EXPECT_NE(reply.error.find("unavailable"), std::string::npos) << reply.error;
  EXPECT_GE(client.failures(), 1u);
}

TEST(RedisClient, ReconnectsByItselfWhenRedisIsKilledAndRestarted) {
  TemporaryRedis redis;
  RedisClient client(redis.client_options());
  ASSERT_TRUE(wait_until_up(client));
  EXPECT_EQ(call(client, {"PING"}).text, "PONG");
  redis.stop();
  // The loss shows on the next command or as the connection closes, whichever is first.
  auto lost = call(client, {"PING"});
  EXPECT_FALSE(lost.ok);
  EXPECT_TRUE(testing::eventually([&client] { return !client.up(); }, 2000ms));
  EXPECT_FALSE(call(client, {"PING"}).ok);
  redis.start();
  ASSERT_TRUE(wait_until_up(client, 3000ms));
  EXPECT_EQ(call(client, {"PING"}).text, "PONG");
  EXPECT_GE(client.connections_lost(), 1u);
}

TEST(RedisClient, TimesOutASlowCommandAndReconnectsAfterSeveralInARow) {
  auto options = TemporaryRedis::shared().client_options();
  options.command_timeout = 50ms;
  options.timeouts_to_reconnect = 2;
  RedisClient client(options);
  ASSERT_TRUE(wait_until_up(client));
  // BLPOP on an empty list holds the connection for 2 s: a server that does not answer.
  auto before = std::chrono::steady_clock::now();
  auto first = call(client, {"BLPOP", "client:empty", "2"});
  EXPECT_FALSE(first.ok);
  EXPECT_NE(first.error.find("within 50 ms"), std::string::npos) << first.error;
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1000ms);
  EXPECT_FALSE(call(client, {"PING"}).ok);  // queued behind the BLPOP: the second timeout
  EXPECT_LT(std::chrono::steady_clock::now() - before, 1500ms);
  ASSERT_TRUE(wait_until_up(client, 3000ms));
  EXPECT_EQ(call(client, {"PING"}).text, "PONG");
  EXPECT_GE(client.connections_lost(), 1u);
}

TEST(RedisClient, ShutdownFailsWhatIsPendingAndLaterCommandsAtOnce) {
  RedisClient client(TemporaryRedis::shared().client_options());
  ASSERT_TRUE(wait_until_up(client));
  auto promise = std::make_shared<std::promise<RedisReply>>();
  auto answer = promise->get_future();
  client.command({"BLPOP", "client:never", "1"}, [promise](RedisReply reply) { promise->set_value(reply); });
  std::this_thread::sleep_for(10ms);
  client.shutdown();
  ASSERT_EQ(answer.wait_for(1s), std::future_status::ready);
  EXPECT_FALSE(answer.get().ok);
  EXPECT_FALSE(call(client, {"PING"}).ok);
}

}  // namespace
}  // namespace ragscale::redis
