#include "redis/redis_url.h"

#include <stdexcept>

namespace ragscale::redis {
namespace {

[[noreturn]] void refuse(std::string_view url, const std::string& why) {
  throw std::invalid_argument("\"" + std::string(url) + "\" is not a Redis URL: " + why +
                              "; expected redis://HOST[:PORT][/DB], e.g. redis://127.0.0.1:6379/0");
}

// A whole number in [min, max], or -1.
long number_in(std::string_view text, long min, long max) {
  if (text.empty() || text.size() > 9) return -1;
  long value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return -1;
    value = value * 10 + (c - '0');
  }
  return value < min || value > max ? -1 : value;
}

}  // namespace

RedisUrl parse_redis_url(std::string_view url) {
  constexpr std::string_view kScheme = "redis://";
  if (url.substr(0, kScheme.size()) != kScheme) refuse(url, "it must start with redis://");
  std::string_view rest = url.substr(kScheme.size());
  size_t slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path = slash == std::string_view::npos ? std::string_view() : rest.substr(slash + 1);
  if (authority.find('@') != std::string_view::npos) refuse(url, "credentials in the URL are not supported");
  RedisUrl parsed;
  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) refuse(url, "an IPv6 address needs its closing ]");
    parsed.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty() && after.front() != ':') refuse(url, "expected :PORT after the IPv6 address");
    if (!after.empty()) port_text = after.substr(1);
    if (!after.empty() && port_text.empty()) refuse(url, "the port after ':' is empty");
  } else {
    size_t colon = authority.find(':');
    parsed.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) refuse(url, "the port after ':' is empty");
    }
  }
  if (parsed.host.empty()) refuse(url, "the host is missing");
  if (!port_text.empty()) {
    long port = number_in(port_text, 1, 65535);
    if (port < 0) refuse(url, "the port must be a number from 1 to 65535");
    parsed.port = static_cast<uint16_t>(port);
  }
  if (!path.empty()) {
    long db = number_in(path, 0, 65535);
    if (db < 0) refuse(url, "the database after '/' must be a whole number, e.g. /0");
    parsed.db = static_cast<int>(db);
  }
  return parsed;
}

}  // namespace ragscale::redis
