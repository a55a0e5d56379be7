// RedisUrl: where a Redis server is, from a `redis://host:port[/db]` URL.
//
// Contract: parse_redis_url() accepts redis://HOST[:PORT][/DB] (port 6379 by default,
// database 0 by default; HOST a name, an IPv4 address or a bracketed IPv6 address) and
// throws std::invalid_argument naming the URL, what is wrong and an example of what is
// accepted for anything else (another scheme, a password, a bad port or database).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ragscale::redis {

struct RedisUrl {
  std::string host;
  uint16_t port = 6379;
  int db = 0;
};

RedisUrl parse_redis_url(std::string_view url);

}  // namespace ragscale::redis
