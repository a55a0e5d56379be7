#include "redis/redis_url.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ragscale::redis {
namespace {

TEST(RedisUrl, ReadsHostPortAndDatabase) {
  auto url = parse_redis_url("redis://10.0.0.5:6380/3");
  EXPECT_EQ(url.host, "10.0.0.5");
  EXPECT_EQ(url.port, 6380);
  EXPECT_EQ(url.db, 3);
}

TEST(RedisUrl, DefaultsToPort6379AndDatabase0) {
  auto url = parse_redis_url("redis://cache.internal");
  EXPECT_EQ(url.host, "cache.internal");
  EXPECT_EQ(url.port, 6379);
  EXPECT_EQ(url.db, 0);
  EXPECT_EQ(parse_redis_url("redis://[::1]:7000/").host, "::1");
}

TEST(RedisUrl, RefusesWhatItCannotUseSayingWhatIsExpected) {
  for (const char* bad : {"http://127.0.0.1:6379", "redis://", "redis://:6379", "redis://h:0", "redis://h:70000",
                          "redis://h:port", "redis://h:", "redis://h:6379/x", "redis://user:pw@h:6379", "127.0.0.1"}) {
    try {
      parse_redis_url(bad);
      ADD_FAILURE() << bad << " was accepted";
    } catch (const std::invalid_argument& e) {
      EXPECT_NE(std::string(e.what()).find("redis://HOST[:PORT][/DB]"), std::string::npos) << e.what();
    }
  }
}

}  // namespace
}  // namespace ragscale::redis
