#include "serve/backend/backend_client.h"

#include <charconv>
#include <future>
#include <stdexcept>
#include <utility>

#include "http/request_format.h"

namespace ragscale::serve {

BackendUrl parse_backend_url(std::string_view url) {
  std::string text(url);
  if (url.rfind("http://", 0) != 0) {
    throw std::invalid_argument("backend URL \"" + text + "\" must start with http:// (TLS is not supported; " +
                                "put a local proxy in front of https endpoints)");
  }
  auto rest = url.substr(7);
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
  BackendUrl parsed;
  if (slash != std::string_view::npos) parsed.base_path = std::string(rest.substr(slash));
  while (!parsed.base_path.empty() && parsed.base_path.back() == '/') parsed.base_path.pop_back();
  // "/v1" is part of every route the client calls; accept URLs that already name it.
  if (parsed.base_path.size() >= 3 && parsed.base_path.compare(parsed.base_path.size() - 3, 3, "/v1") == 0) {
    parsed.base_path.resize(parsed.base_path.size() - 3);
  }
  auto colon = authority.rfind(':');
  if (colon != std::string_view::npos && authority.find(']') == std::string_view::npos) {
    auto port_text = authority.substr(colon + 1);
    unsigned value = 0;
    auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), value);
    if (error != std::errc() || end != port_text.data() + port_text.size() || value == 0 || value > 65535) {
      throw std::invalid_argument("backend URL \"" + text + "\" has an invalid port");
    }
    parsed.port = static_cast<uint16_t>(value);
    authority = authority.substr(0, colon);
  }
  if (authority.empty()) throw std::invalid_argument("backend URL \"" + text + "\" has no host");
  parsed.host = std::string(authority);
  return parsed;
}

namespace {

std::string milliseconds_text(std::chrono::milliseconds value) { return std::to_string(value.count()) + " ms"; }

}  // namespace

struct BackendClient::Mailbox {
  explicit Mailbox(net::EventLoop& loop) : loop(loop) {}
  bool post(std::function<void()> task) {
    std::lock_guard lock(mutex);
    if (closed) return false;
    loop.post(std::move(task));
    return true;
  }
  // The last task posted: nothing is posted after it.
  bool close_with(std::function<void()> task) {
    std::lock_guard lock(mutex);
    if (closed) return false;
    closed = true;
    loop.post(std::move(task));
    return true;
  }
  std::mutex mutex;
  bool closed = false;
  net::EventLoop& loop;
};

struct BackendClient::Call {
  explicit Call(BackendClient& owner) : expiry([this, &owner] { owner.expire_on_loop(this); }) {}
  std::string request;
  http::ClientConnection::RequestOptions options;
  std::chrono::milliseconds timeout{0};
  net::TimePoint deadline;
  Completion done;  // empty once completed
  std::shared_ptr<CancelSignal> cancel;
  // Where the call is, on the loop thread:
  bool waiting = false;
  std::list<std::shared_ptr<Call>>::iterator position;  // in waiting_, while waiting
  Slot* slot = nullptr;                                 // while in flight
  // Set when the client itself ends the call by closing its connection.
  BackendFailure ended_by = BackendFailure::kNone;
  std::string ended_because;
  net::Timer expiry;  // armed while waiting: the deadline passes in the queue
};

struct BackendClient::Slot final : http::ClientConnection::Listener {
  Slot(BackendClient& owner) : owner(owner), connection(owner.loop_, owner.address_, this) {}
  void on_response(http::ClientConnection&, const http::ClientResult& result) override {
    auto finished = std::move(call);
    call.reset();
    finished->slot = nullptr;
    BackendResponse response;
    response.status = result.status;
    if (finished->ended_by != BackendFailure::kNone) {
      response = BackendResponse::failed(finished->ended_by, finished->ended_because);
    } else if (result.error == http::ClientError::kTimeout) {
      response = BackendResponse::failed(BackendFailure::kTimeout,
                                         "timed out after " + milliseconds_text(finished->timeout));
    } else if (result.error != http::ClientError::kNone) {
      std::string error(http::to_string(result.error));
      if (!result.error_detail.empty()) error += ": " + result.error_detail;
      response = BackendResponse::failed(BackendFailure::kTransport, std::move(error));
    } else {
      response.body = std::string(result.body);
    }
    owner.complete_on_loop(finished, std::move(response));
    owner.release_on_loop(this);
  }
  BackendClient& owner;
  http::ClientConnection connection;
  std::shared_ptr<Call> call;
};

BackendClient::BackendClient(BackendUrl url, std::string api_key, size_t max_connections, size_t max_waiting)
    : url_(std::move(url)),
      api_key_(std::move(api_key)),
      max_connections_(max_connections == 0 ? 1 : max_connections),
      max_waiting_(max_waiting),
      address_(net::resolve(url_.host, url_.port)),
      mailbox_(std::make_shared<Mailbox>(loop_)) {
  thread_ = std::thread([this] { loop_.run(); });
}

BackendClient::~BackendClient() { shutdown(); }

void BackendClient::shutdown() {
  mailbox_->close_with([this] { shutdown_on_loop(); });
  if (thread_.joinable()) thread_.join();
}

BackendResponse BackendClient::post_json(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                                         std::function<void(std::string_view)> on_body_piece) {
  auto done = std::make_shared<std::promise<BackendResponse>>();
  auto future = done->get_future();
  post_json_async(path, std::move(body), timeout, std::move(on_body_piece),
                  [done](BackendResponse response) { done->set_value(std::move(response)); });
  // The call's own deadline ends it; this wait only guards against a loop that stopped
  // underneath us.
  if (future.wait_for(timeout + std::chrono::seconds(5)) != std::future_status::ready) {
    return BackendResponse::failed(BackendFailure::kTimeout, "no answer within " + milliseconds_text(timeout));
  }
  return future.get();
}

void BackendClient::post_json_async(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                                    std::function<void(std::string_view)> on_body_piece, Completion on_done,
                                    std::shared_ptr<CancelSignal> cancel) {
  auto call = std::make_shared<Call>(*this);
  call->timeout = timeout;
  call->deadline = net::Clock::now() + timeout;
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"},
                                                              {"Accept", "application/json"}};
  if (!api_key_.empty()) headers.emplace_back("Authorization", "Bearer " + api_key_);
  std::string host_header = url_.host + ":" + std::to_string(url_.port);
  call->request = http::format_request("POST", url_.base_path + std::string(path), host_header, headers, body);
  call->options.capture_body = true;
  call->options.on_body_piece = std::move(on_body_piece);
  call->done = std::move(on_done);
  call->cancel = std::move(cancel);

  size_t limit = max_connections_ + max_waiting_;
  if (pending_.fetch_add(1, std::memory_order_relaxed) >= limit) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    auto done = std::move(call->done);
    done(BackendResponse::failed(BackendFailure::kOverloaded,
                                 "backend overloaded: " + std::to_string(max_waiting_) + " calls already wait for one of " +
                                     std::to_string(max_connections_) + " connections"));
    return;
  }
  if (call->cancel) {
    std::weak_ptr<Call> weak = call;
    std::weak_ptr<Mailbox> mailbox = mailbox_;
    call->cancel->on_cancel([this, weak, mailbox] {
      // The mailbox refuses once the client has shut down, so `this` is alive when used.
      if (auto open = mailbox.lock()) {
        open->post([this, weak] {
          if (auto target = weak.lock()) cancel_on_loop(target);
        });
      }
    });
  }
  if (!mailbox_->post([this, call] { start_on_loop(call); })) {
    pending_.fetch_sub(1, std::memory_order_relaxed);
    if (call->cancel) call->cancel->clear();
    auto done = std::move(call->done);
    done(BackendResponse::failed(BackendFailure::kShuttingDown, "backend client shutting down"));
  }
}

void BackendClient::start_on_loop(const std::shared_ptr<Call>& call) {
  if (call->cancel && call->cancel->cancelled()) {
    complete_on_loop(call, BackendResponse::failed(BackendFailure::kCancelled, "cancelled by the caller"));
    return;
  }
  if (net::Clock::now() >= call->deadline) {
    complete_on_loop(call, BackendResponse::failed(BackendFailure::kTimeout,
                                                   "timed out after " + milliseconds_text(call->timeout)));
    return;
  }
  Slot* slot = nullptr;
  if (!idle_.empty()) {
    slot = idle_.back();
    idle_.pop_back();
  } else if (slots_.size() < max_connections_) {
    slots_.push_back(std::make_unique<Slot>(*this));
    slot = slots_.back().get();
  } else {
    call->position = waiting_.insert(waiting_.end(), call);
    call->waiting = true;
    loop_.arm(call->expiry, call->deadline);
    return;
  }
  send_on_loop(slot, call);
}

void BackendClient::send_on_loop(Slot* slot, const std::shared_ptr<Call>& call) {
  loop_.disarm(call->expiry);
  call->options.timeout = call->deadline - net::Clock::now();
  call->slot = slot;
  slot->call = call;
  slot->connection.send(call->request, call->options);
}

void BackendClient::release_on_loop(Slot* slot) {
  while (!shut_down_ && !waiting_.empty()) {
    auto next = std::move(waiting_.front());
    waiting_.pop_front();
    next->waiting = false;
    if (net::Clock::now() >= next->deadline) {
      complete_on_loop(next, BackendResponse::failed(BackendFailure::kTimeout,
                                                     "timed out after " + milliseconds_text(next->timeout) +
                                                         " waiting for a free connection"));
      continue;
    }
    send_on_loop(slot, next);
    return;
  }
  idle_.push_back(slot);
}

void BackendClient::expire_on_loop(Call* call) {
  if (!call->waiting) return;
  auto self = *call->position;
  waiting_.erase(call->position);
  call->waiting = false;
  complete_on_loop(self, BackendResponse::failed(BackendFailure::kTimeout,
                                                 "timed out after " + milliseconds_text(call->timeout) +
                                                     " waiting for a free connection"));
}

void BackendClient::cancel_on_loop(const std::shared_ptr<Call>& call) {
  if (!call->done) return;  // already completed
  if (call->waiting) {
    waiting_.erase(call->position);
    call->waiting = false;
    complete_on_loop(call, BackendResponse::failed(BackendFailure::kCancelled, "cancelled by the caller"));
  } else if (call->slot) {
    call->ended_by = BackendFailure::kCancelled;
    call->ended_because = "cancelled by the caller";
    call->slot->connection.abort();  // a reset tells the model to stop; completes the call through Slot::on_response
  }
  // Otherwise its start is still queued on the loop and sees the signal there.
}

void BackendClient::complete_on_loop(const std::shared_ptr<Call>& call, BackendResponse response) {
  loop_.disarm(call->expiry);
  if (call->cancel) call->cancel->clear();
  if (!call->done) return;
  auto done = std::move(call->done);
  call->done = nullptr;
  pending_.fetch_sub(1, std::memory_order_relaxed);
  done(std::move(response));
}

void BackendClient::shutdown_on_loop() {
  shut_down_ = true;
  while (!waiting_.empty()) {
    auto call = std::move(waiting_.front());
    waiting_.pop_front();
    call->waiting = false;
    complete_on_loop(call, BackendResponse::failed(BackendFailure::kShuttingDown, "backend client shutting down"));
  }
  for (auto& slot : slots_) {
    if (!slot->call) continue;
    slot->call->ended_by = BackendFailure::kShuttingDown;
    slot->call->ended_because = "backend client shutting down";
    slot->connection.close();
  }
  // Connections (and the callbacks their last requests hold) go now, on their thread.
  idle_.clear();
  slots_.clear();
  loop_.stop();
}

}  // namespace ragscale::serve
