// TemporaryRedis: a real redis-server for the unit tests, on a free loopback port, in a
// temporary folder, with no persistence; stopped (and its folder removed) when the
// object goes. stop() and start() again keep the port, so a test can take Redis away
// and bring it back under a client. shared() starts one server per test binary, the
// first time a test asks for it.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>

#include "redis/redis_client.h"

namespace ragscale::testing {

class TemporaryRedis {
 public:
  TemporaryRedis();  // starts it; throws std::runtime_error when it cannot
  ~TemporaryRedis();
  TemporaryRedis(const TemporaryRedis&) = delete;
  TemporaryRedis& operator=(const TemporaryRedis&) = delete;

  static TemporaryRedis& shared();

  void start();  // waits until it answers PING
  void stop();   // SIGKILL: the way a crashed server goes
  bool running() const { return pid_ > 0; }
  uint16_t port() const { return port_; }
  std::string url() const { return "redis://127.0.0.1:" + std::to_string(port_); }
  // Options of a RedisClient of this server (the defaults otherwise).
  redis::RedisClient::Options client_options() const;
  // Runs one command over a blocking connection of its own (test code only); the
  // reply as text ("" for nil, the number for an integer).
  std::string run(const std::string& command) const;

 private:
  std::string dir_;
  uint16_t port_ = 0;
  pid_t pid_ = -1;
};

// Polls `condition` every few milliseconds until it holds (true) or `limit` passes (false).
bool eventually(const std::function<bool()>& condition,
                std::chrono::milliseconds limit = std::chrono::milliseconds(5000));

}  // namespace ragscale::testing
