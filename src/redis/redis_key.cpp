#include "redis/redis_key.h"

namespace ragscale::redis {

void append_hex(std::string& key, std::string_view bytes) {
  static constexpr char kHex[] = "0123456789abcdef";
  key.reserve(key.size() + 2 * bytes.size());
  for (unsigned char c : bytes) {
    key.push_back(kHex[c >> 4]);
    key.push_back(kHex[c & 15]);
  }
}

}  // namespace ragscale::redis
