#include "serve/cache/shared_generation.h"

#include <cstdlib>

namespace ragscale::serve {

SharedGeneration::SharedGeneration(redis::RedisClient& redis, std::chrono::milliseconds refresh,
                                   std::function<void()> on_change)
    : redis_(redis), refresh_(refresh), on_change_(std::move(on_change)), timer_([this] { tick(); }) {
  redis_.loop().post([this] { tick(); });
}

void SharedGeneration::bump() {
  unsent_bumps_.fetch_add(1);
  redis_.loop().post([this] { send_bumps(); });
}

void SharedGeneration::send_bumps() {
  uint64_t bumps = unsent_bumps_.exchange(0);
  if (bumps == 0) return;
  redis_.command({"INCRBY", kKey, std::to_string(bumps)}, [this, bumps](redis::RedisReply reply) {
    if (!reply.ok || reply.server_error) {
      unsent_bumps_.fetch_add(bumps);  // sent again on the next refresh
      return;
    }
    seen(static_cast<uint64_t>(reply.integer));
  });
}

void SharedGeneration::tick() {
  send_bumps();
  redis_.command({"GET", kKey}, [this](redis::RedisReply reply) {
    if (reply.ok && !reply.server_error) seen(reply.nil ? 0 : std::strtoull(reply.text.c_str(), nullptr, 10));
  });
  redis_.loop().arm_after(timer_, refresh_);
}

void SharedGeneration::seen(uint64_t value) {
  uint64_t before = current_.exchange(value);
  bool was_known = known_.exchange(true);
  if (was_known && before != value && on_change_) on_change_();
}

}  // namespace ragscale::serve
