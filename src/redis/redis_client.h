// RedisClient: one connection to a Redis server through hiredis's asynchronous API,
// driven by the project's event loop on the client's own thread (hiredis's read and
// write interest become epoll registrations on that loop; no call ever blocks).
//
// Contract:
// - command() may be called from any thread and returns at once. Its completion runs
//   exactly once: on the client's loop thread, or at once on the calling thread when the
//   call fails fast (Redis down, too many commands pending, client shut down).
// - Breaker: the client is up only while connected. While it is down every command
//   fails fast ("Redis unavailable"), so nobody waits on a dead Redis, and the client
//   reconnects by itself with exponential backoff (backoff_min doubling to backoff_max).
// - Every command has a deadline (command_timeout): past it the caller gets a timeout at
//   once and the late answer is dropped. `timeouts_to_reconnect` timeouts in a row mean
//   a hung server: the connection is dropped (failing what is pending) and made again.
//   A connection attempt that has not succeeded within connect_timeout is abandoned.
// - Commands on one connection are answered in order (Redis's pipelining); the database
//   of the URL is selected before any command runs.
// - shutdown() (also run by the destructor) fails everything pending, closes the
//   connection and joins the thread; later commands fail fast.
// The host is resolved when connecting, on the client's thread: an address (127.0.0.1)
// never waits on a name lookup.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "net/event_loop.h"
#include "redis/redis_url.h"

struct redisAsyncContext;

namespace ragscale::redis {

struct RedisReply {
  bool ok = false;            // an answer came back (it may still be a Redis error: server_error)
  std::string error;          // why there is no answer: down, timeout, connection lost
  bool server_error = false;  // Redis answered with an error; its text is in `text`
  bool nil = false;
  long long integer = 0;
  std::string text;           // a string, status or error reply
  std::vector<RedisReply> elements;
  static RedisReply failed(std::string why) {
    RedisReply reply;
    reply.error = std::move(why);
    return reply;
  }
};

class RedisClient : private net::IoHandler {
 public:
  using Callback = std::function<void(RedisReply)>;
  using Duration = std::chrono::steady_clock::duration;

  struct Options {
    RedisUrl url;
    Duration command_timeout = std::chrono::milliseconds(100);
    Duration connect_timeout = std::chrono::milliseconds(500);
    Duration backoff_min = std::chrono::milliseconds(50);
    Duration backoff_max = std::chrono::seconds(1);
    int timeouts_to_reconnect = 3;
    size_t max_pending = 10000;
  };

  explicit RedisClient(Options options);
  ~RedisClient() override;
  RedisClient(const RedisClient&) = delete;
  RedisClient& operator=(const RedisClient&) = delete;

  // Sends `args` (binary-safe: a command and its arguments) and calls `done` with the answer.
  void command(std::vector<std::string> args, Callback done);
  void shutdown();

  bool up() const { return up_.load(std::memory_order_relaxed); }
  // Commands that got no answer (failed fast, timed out or lost with the connection).
  uint64_t failures() const { return failures_.load(std::memory_order_relaxed); }
  uint64_t connections_lost() const { return connections_lost_.load(std::memory_order_relaxed); }
  // The client's loop, for timers its users run beside it (on the client's thread).
  net::EventLoop& loop() { return loop_; }
  const Options& options() const { return options_; }

 private:
  struct Pending {
    Callback done;
    std::unique_ptr<net::Timer> deadline;
  };

  // All of these run on the loop thread.
  void connect();
  void send(uint64_t id, std::vector<std::string> args, Callback done);
  void on_io(uint32_t events) override;
  void connected(int status);
  void disconnected(const redisAsyncContext* context);
  void drop_connection(const std::string& why);
  void mark_down(const std::string& why);  // up_ false, counted and logged once per loss
  void lost(const std::string& why);        // mark_down, fail what is pending, reconnect later
  void fail_pending(const std::string& why);
  void answer(uint64_t id, RedisReply reply);
  void timed_out(uint64_t id);
  void watch(bool read, bool write);

  static void on_reply(redisAsyncContext* context, void* reply, void* privdata);
  static void on_connect(const redisAsyncContext* context, int status);
  static void on_disconnect(const redisAsyncContext* context, int status);
  static void add_read(void* self);
  static void del_read(void* self);
  static void add_write(void* self);
  static void del_write(void* self);
  static void cleanup(void* self);

  Options options_;
  net::EventLoop loop_;  // before the timers: they must go first
  net::Timer reconnect_timer_;
  net::Timer connect_timer_;
  redisAsyncContext* context_ = nullptr;
  int fd_ = -1;  // registered with the loop, or -1
  bool reading_ = false;
  bool writing_ = false;
  bool connected_ = false;
  int timeouts_in_a_row_ = 0;
  Duration backoff_;
  uint64_t next_id_ = 1;
  std::unordered_map<uint64_t, Pending> pending_;
  std::atomic<bool> up_{false};
  std::atomic<bool> stopped_{false};
  std::atomic<size_t> in_flight_{0};  // accepted, not yet completed
  std::atomic<uint64_t> failures_{0};
  std::atomic<uint64_t> connections_lost_{0};
  std::thread thread_;
};

}  // namespace ragscale::redis
