// TemporaryRedis: a real redis-server for the unit tests, on a free loopback port, in a
// temporary folder, with no persistence; stopped (and its folder removed) when the
// object goes. stop() and start() again keep the port, so a test can take Redis away
// and bring it back under a client. shared() starts one server per test binary, the
// first time a test asks for it. Header-only: test code, not part of the core library.
#pragma once

#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <stdexcept>
#include <string>
#include <thread>

#include "support/free_port.h"

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
  // Options of a RedisClient of this server (the defaults otherwise, but for timeouts
  // of 2 s).
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



inline TemporaryRedis::TemporaryRedis() {
  char pattern[] = "/tmp/ragscale-redis-XXXXXX";
  if (!::mkdtemp(pattern)) throw std::runtime_error("TemporaryRedis: cannot create a temporary folder");
  dir_ = pattern;
  port_ = ragscale::testing::free_loopback_port();
  start();
}

inline TemporaryRedis::~TemporaryRedis() {
  stop();
  std::error_code ignored;
  std::filesystem::remove_all(dir_, ignored);
}

inline TemporaryRedis& TemporaryRedis::shared() {
  static TemporaryRedis redis;
  return redis;
}

inline void TemporaryRedis::start() {
  if (running()) return;
  std::string port = std::to_string(port_);
  std::string log = dir_ + "/redis.log";
  const char* argv[] = {"redis-server", "--port", port.c_str(), "--bind", "127.0.0.1", "--save", "",
                        "--appendonly", "no", "--dir", dir_.c_str(), "--logfile", log.c_str(), nullptr};
  // posix_spawn, not fork: a restart happens while the client under test has threads
  // running, and a forked child of a ThreadSanitizer process can hang before its exec
  // on a lock another thread held at the fork.
  if (::posix_spawnp(&pid_, "redis-server", nullptr, nullptr, const_cast<char* const*>(argv), environ) != 0) {
    pid_ = -1;
    throw std::runtime_error("TemporaryRedis: cannot start redis-server (is it installed? apt-get install "
                             "redis-server)");
  }
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while (std::chrono::steady_clock::now() < deadline) {
    int status = 0;
    if (::waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      throw std::runtime_error("TemporaryRedis: redis-server exited at start (is redis-server installed? "
                               "apt-get install redis-server)");
    }
    try {
      if (run("PING") == "PONG") return;
    } catch (const std::runtime_error&) {
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  stop();
  throw std::runtime_error("TemporaryRedis: redis-server did not answer within 10 s");
}

inline redis::RedisClient::Options TemporaryRedis::client_options() const {
  redis::RedisClient::Options options;
  options.url = redis::parse_redis_url(url());
  // Generous: a sanitizer build on a busy machine must not turn a slow answer into a
  // failure (the tests of timeouts set their own).
  options.command_timeout = std::chrono::seconds(2);
  options.connect_timeout = std::chrono::seconds(2);
  return options;
}

inline void TemporaryRedis::stop() {
  if (!running()) return;
  ::kill(pid_, SIGKILL);
  ::waitpid(pid_, nullptr, 0);
  pid_ = -1;
}

inline std::string TemporaryRedis::run(const std::string& command) const {
  timeval timeout{1, 0};
  redisContext* context = redisConnectWithTimeout("127.0.0.1", port_, timeout);
  if (!context || context->err) {
    if (context) redisFree(context);
    throw std::runtime_error("TemporaryRedis: cannot connect");
  }
  auto* reply = static_cast<redisReply*>(redisCommand(context, command.c_str()));
  std::string text;
  if (reply) {
    if (reply->type == REDIS_REPLY_INTEGER) text = std::to_string(reply->integer);
    else if (reply->str) text.assign(reply->str, reply->len);
    freeReplyObject(reply);
  }
  redisFree(context);
  if (!reply) throw std::runtime_error("TemporaryRedis: no reply");
  return text;
}

inline bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds limit) {
  auto deadline = std::chrono::steady_clock::now() + limit;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

}  // namespace ragscale::testing
