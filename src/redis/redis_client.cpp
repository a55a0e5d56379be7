#include "redis/redis_client.h"

#include <hiredis/async.h>
#include <hiredis/hiredis.h>

#include <algorithm>
#include <cstdio>

namespace ragscale::redis {
namespace {

RedisReply convert(const redisReply* reply) {
  RedisReply out;
  out.ok = true;
  switch (reply->type) {
    case REDIS_REPLY_STRING:
    case REDIS_REPLY_STATUS:
      out.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_ERROR:
      out.server_error = true;
      out.text.assign(reply->str, reply->len);
      break;
    case REDIS_REPLY_INTEGER:
      out.integer = reply->integer;
      break;
    case REDIS_REPLY_NIL:
      out.nil = true;
      break;
    case REDIS_REPLY_ARRAY:
      out.elements.reserve(reply->elements);
      for (size_t i = 0; i < reply->elements; ++i) out.elements.push_back(convert(reply->element[i]));
      break;
    default:
      break;
  }
  return out;
}

long long milliseconds(RedisClient::Duration d) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(d).count();
}

}  // namespace

RedisClient::RedisClient(Options options)
    : options_(std::move(options)),
      reconnect_timer_([this] { connect(); }),
      connect_timer_([this] {
        drop_connection("no connection within " + std::to_string(milliseconds(options_.connect_timeout)) + " ms");
      }),
      backoff_(options_.backoff_min) {
  thread_ = std::thread([this] { loop_.run(); });
  loop_.post([this] { connect(); });
}

RedisClient::~RedisClient() { shutdown(); }

void RedisClient::shutdown() {
  if (stopped_.exchange(true)) return;
  up_.store(false);
  loop_.post([this] {
    loop_.disarm(reconnect_timer_);
    loop_.disarm(connect_timer_);
    if (auto* context = context_) {
      context_ = nullptr;
      connected_ = false;
      redisAsyncFree(context);  // answers what hiredis holds with "connection lost"
    }
    fail_pending("the Redis client is shutting down");
    loop_.stop();
  });
  if (thread_.joinable()) thread_.join();
}

void RedisClient::command(std::vector<std::string> args, Callback done) {
  auto refuse = [this, &done](const char* why) {
    failures_.fetch_add(1, std::memory_order_relaxed);
    done(RedisReply::failed(why));
  };
  if (stopped_.load()) return refuse("the Redis client is shut down");
  if (!up_.load(std::memory_order_relaxed)) return refuse("Redis unavailable (reconnecting)");
  if (in_flight_.fetch_add(1) >= options_.max_pending) {
    in_flight_.fetch_sub(1);
    return refuse("too many Redis commands pending");
  }
  loop_.post([this, args = std::move(args), done = std::move(done)]() mutable {
    send(next_id_++, std::move(args), std::move(done));
  });
}

void RedisClient::send(uint64_t id, std::vector<std::string> args, Callback done) {
  if (!context_ || !connected_) {
    pending_.emplace(id, Pending{std::move(done), nullptr});
    answer(id, RedisReply::failed("Redis unavailable (connection lost)"));
    return;
  }
  std::vector<const char*> argv;
  std::vector<size_t> lengths;
  for (const auto& arg : args) {
    argv.push_back(arg.data());
    lengths.push_back(arg.size());
  }
  auto deadline = std::make_unique<net::Timer>([this, id] { timed_out(id); });
  loop_.arm_after(*deadline, options_.command_timeout);
  pending_.emplace(id, Pending{std::move(done), std::move(deadline)});
  int sent = redisAsyncCommandArgv(context_, on_reply, reinterpret_cast<void*>(static_cast<uintptr_t>(id)),
                                   static_cast<int>(argv.size()), argv.data(), lengths.data());
  if (sent != REDIS_OK) answer(id, RedisReply::failed("Redis refused the command"));
}

void RedisClient::answer(uint64_t id, RedisReply reply) {
  auto found = pending_.find(id);
  if (found == pending_.end()) return;  // timed out already: the late answer is dropped
  Callback done = std::move(found->second.done);
  pending_.erase(found);
  if (reply.ok) timeouts_in_a_row_ = 0;
  in_flight_.fetch_sub(1);
  if (!reply.ok) failures_.fetch_add(1, std::memory_order_relaxed);
  done(std::move(reply));
}

void RedisClient::timed_out(uint64_t id) {
  auto found = pending_.find(id);
  if (found == pending_.end()) return;
  // The timer runs this: it is destroyed after the batch, not from inside its own call.
  loop_.defer([timer = std::shared_ptr<net::Timer>(std::move(found->second.deadline))] {});
  std::string why = "no answer from Redis within " + std::to_string(milliseconds(options_.command_timeout)) + " ms";
  if (++timeouts_in_a_row_ >= options_.timeouts_to_reconnect) {
    // A hung server: down before anyone hears of it, so nobody sends it more.
    drop_connection(std::to_string(timeouts_in_a_row_) + " commands in a row had " + why);
    return;  // the drop failed this command with the rest
  }
  answer(id, RedisReply::failed(why));
}

void RedisClient::fail_pending(const std::string& why) {
  std::vector<uint64_t> ids;
  ids.reserve(pending_.size());
  for (const auto& entry : pending_) ids.push_back(entry.first);
  for (uint64_t id : ids) answer(id, RedisReply::failed(why));
}

void RedisClient::connect() {
  if (stopped_.load() || context_) return;
  redisAsyncContext* context = redisAsyncConnect(options_.url.host.c_str(), options_.url.port);
  if (!context || context->err) {
    std::string why = context ? context->errstr : "out of memory";
    if (context) redisAsyncFree(context);
    lost("cannot connect: " + why);
    return;
  }
  context_ = context;
  context->data = this;
  context->ev.data = this;
  context->ev.addRead = add_read;
  context->ev.delRead = del_read;
  context->ev.addWrite = add_write;
  context->ev.delWrite = del_write;
  context->ev.cleanup = cleanup;
  redisAsyncSetDisconnectCallback(context, on_disconnect);
  redisAsyncSetConnectCallback(context, on_connect);  // waits for writability: the connect's end
  loop_.arm_after(connect_timer_, options_.connect_timeout);
}

void RedisClient::connected(int status) {
  loop_.disarm(connect_timer_);
  if (status != REDIS_OK) {
    std::string why = context_ && context_->errstr[0] ? context_->errstr : "connection refused";
    context_ = nullptr;  // hiredis frees it after this callback
    lost("cannot connect: " + why);
    return;
  }
  connected_ = true;
  if (options_.url.db != 0) {
    // Sent first, so every later command runs in the chosen database.
    redisAsyncCommand(context_, nullptr, nullptr, "SELECT %d", options_.url.db);
  }
  timeouts_in_a_row_ = 0;
  backoff_ = options_.backoff_min;
  up_.store(true);
  std::fprintf(stderr, "ragscale: Redis %s:%u connected\n", options_.url.host.c_str(), options_.url.port);
}

void RedisClient::disconnected(const redisAsyncContext* context) {
  if (context != context_) return;  // a connection we dropped ourselves
  context_ = nullptr;
  connected_ = false;
  lost("connection closed");
}

void RedisClient::drop_connection(const std::string& why) {
  auto* context = context_;
  if (!context) return;
  context_ = nullptr;
  connected_ = false;
  loop_.disarm(connect_timer_);
  mark_down(why);
  redisAsyncFree(context);  // answers what hiredis holds with "connection lost"
  lost(why);
}

void RedisClient::mark_down(const std::string& why) {
  if (!up_.exchange(false)) return;
  connections_lost_.fetch_add(1, std::memory_order_relaxed);
  std::fprintf(stderr, "ragscale: Redis %s:%u down (%s); reconnecting\n", options_.url.host.c_str(),
               options_.url.port, why.c_str());
}

void RedisClient::lost(const std::string& why) {
  mark_down(why);
  fail_pending("Redis unavailable (" + why + ")");
  if (stopped_.load()) return;
  loop_.arm_after(reconnect_timer_, backoff_);
  backoff_ = std::min(backoff_ * 2, options_.backoff_max);
}

void RedisClient::on_io(uint32_t events) {
  redisAsyncContext* context = context_;
  if (!context) return;
  if (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) redisAsyncHandleRead(context);
  if (context_ == context && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) redisAsyncHandleWrite(context);
}

void RedisClient::watch(bool read, bool write) {
  reading_ = read;
  writing_ = write;
  if (!read && !write) {
    if (fd_ >= 0) loop_.remove(fd_);
    fd_ = -1;
    return;
  }
  if (!context_) return;
  uint32_t events = (read ? EPOLLIN : 0u) | (write ? EPOLLOUT : 0u);
  if (fd_ < 0) {
    fd_ = context_->c.fd;
    loop_.add(fd_, events, this);
  } else {
    loop_.modify(fd_, events, this);
  }
}

void RedisClient::on_reply(redisAsyncContext* context, void* reply, void* privdata) {
  auto* self = static_cast<RedisClient*>(context->data);
  uint64_t id = reinterpret_cast<uintptr_t>(privdata);
  // No reply: hiredis is failing what it holds as the connection goes; the client is
  // down before any caller hears of it.
  if (!reply) self->mark_down("connection lost");
  self->answer(id, reply ? convert(static_cast<redisReply*>(reply))
                         : RedisReply::failed("Redis unavailable (connection lost)"));
}

void RedisClient::on_connect(const redisAsyncContext* context, int status) {
  static_cast<RedisClient*>(context->data)->connected(status);
}

void RedisClient::on_disconnect(const redisAsyncContext* context, int status) {
  static_cast<RedisClient*>(context->data)->disconnected(context);
}

void RedisClient::add_read(void* self) {
  auto* client = static_cast<RedisClient*>(self);
  client->watch(true, client->writing_);
}
void RedisClient::del_read(void* self) {
  auto* client = static_cast<RedisClient*>(self);
  client->watch(false, client->writing_);
}
void RedisClient::add_write(void* self) {
  auto* client = static_cast<RedisClient*>(self);
  client->watch(client->reading_, true);
}
void RedisClient::del_write(void* self) {
  auto* client = static_cast<RedisClient*>(self);
  client->watch(client->reading_, false);
}
void RedisClient::cleanup(void* self) { static_cast<RedisClient*>(self)->watch(false, false); }

}  // namespace ragscale::redis
