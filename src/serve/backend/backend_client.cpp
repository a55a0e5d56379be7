#include "serve/backend/backend_client.h"

#include <charconv>
#include <future>
#include <stdexcept>

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

struct BackendClient::Call {
  std::string request;
  http::ClientConnection::RequestOptions options;
  Completion done;
};

struct BackendClient::Slot final : http::ClientConnection::Listener {
  Slot(BackendClient& owner) : owner(owner), connection(owner.loop_, owner.address_, this) {}
  void on_response(http::ClientConnection&, const http::ClientResult& result) override {
    BackendResponse response;
    response.status = result.status;
    if (result.error != http::ClientError::kNone) {
      response.error = std::string(http::to_string(result.error));
      if (!result.error_detail.empty()) response.error += ": " + result.error_detail;
    } else {
      response.body = std::string(result.body);
    }
    auto finished = std::move(call);
    call.reset();
    finished->done(std::move(response));
    owner.release_on_loop(this);
  }
  BackendClient& owner;
  http::ClientConnection connection;
  std::shared_ptr<Call> call;
};

BackendClient::BackendClient(BackendUrl url, std::string api_key, size_t max_connections)
    : url_(std::move(url)),
      api_key_(std::move(api_key)),
      max_connections_(max_connections == 0 ? 1 : max_connections),
      address_(net::resolve(url_.host, url_.port)) {
  thread_ = std::thread([this] { loop_.run(); });
}

BackendClient::~BackendClient() {
  loop_.stop();
  if (thread_.joinable()) thread_.join();
  // Calls still waiting learn that the client is gone rather than hanging.
  for (auto& slot : slots_) {
    if (slot->call) slot->call->done({0, {}, "client shut down"});
  }
  for (auto& call : waiting_) call->done({0, {}, "client shut down"});
}

BackendResponse BackendClient::post_json(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                                         std::function<void(std::string_view)> on_body_piece) {
  auto done = std::make_shared<std::promise<BackendResponse>>();
  auto future = done->get_future();
  post_json_async(path, std::move(body), timeout, std::move(on_body_piece),
                  [done](BackendResponse response) { done->set_value(std::move(response)); });
  // The connection's own timer ends the call; this wait only guards against a loop
  // that stopped underneath us.
  if (future.wait_for(timeout + std::chrono::seconds(5)) != std::future_status::ready) {
    return {0, {}, "no answer within " + std::to_string(timeout.count()) + " ms"};
  }
  return future.get();
}

void BackendClient::post_json_async(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                                    std::function<void(std::string_view)> on_body_piece, Completion on_done) {
  auto call = std::make_shared<Call>();
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"},
                                                              {"Accept", "application/json"}};
  if (!api_key_.empty()) headers.emplace_back("Authorization", "Bearer " + api_key_);
  std::string host_header = url_.host + ":" + std::to_string(url_.port);
  call->request = http::format_request("POST", url_.base_path + std::string(path), host_header, headers, body);
  call->options.capture_body = true;
  call->options.timeout = timeout;
  call->options.on_body_piece = std::move(on_body_piece);
  call->done = std::move(on_done);
  loop_.post([this, call] { start_on_loop(call); });
}

void BackendClient::start_on_loop(std::shared_ptr<Call> call) {
  Slot* slot = nullptr;
  if (!idle_.empty()) {
    slot = idle_.back();
    idle_.pop_back();
  } else if (slots_.size() < max_connections_) {
    slots_.push_back(std::make_unique<Slot>(*this));
    slot = slots_.back().get();
  } else {
    waiting_.push_back(std::move(call));
    return;
  }
  slot->call = std::move(call);
  slot->connection.send(slot->call->request, slot->call->options);
}

void BackendClient::release_on_loop(Slot* slot) {
  if (!waiting_.empty()) {
    auto next = std::move(waiting_.front());
    waiting_.pop_front();
    slot->call = std::move(next);
    slot->connection.send(slot->call->request, slot->call->options);
    return;
  }
  idle_.push_back(slot);
}

}  // namespace ragscale::serve
