// Parts of Redis key names: binary digests (cache keys, credential digests) written as
// lower-case hex, so every key ragscale writes is printable in redis-cli and MONITOR.
#pragma once

#include <string>
#include <string_view>

namespace ragscale::redis {

void append_hex(std::string& key, std::string_view bytes);

}  // namespace ragscale::redis
