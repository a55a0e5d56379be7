#include "serve/backend/backend_client.h"

#include <algorithm>
#include <array>
#include <charconv>
#include <cstdint>
#include <future>
#include <stdexcept>
#include <utility>

#include "http/request_format.h"

namespace ragscale::serve {

BackendUrl parse_backend_url(std::string_view url) {
  std::string text(url);
  BackendUrl parsed;
  parsed.tls = url.rfind("https://", 0) == 0;
  if (!parsed.tls && url.rfind("http://", 0) != 0) {
    throw std::invalid_argument("backend URL \"" + text + "\" must start with http:// or https://");
  }
  if (parsed.tls) parsed.port = 443;
  auto rest = url.substr(parsed.tls ? 8 : 7);
  auto slash = rest.find('/');
  auto authority = rest.substr(0, slash);
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

std::string_view to_string(BackendFailure failure) {
  switch (failure) {
    case BackendFailure::kNone: return "none";
    case BackendFailure::kTransport: return "transport";
    case BackendFailure::kTimeout: return "timeout";
    case BackendFailure::kOverloaded: return "overloaded";
    case BackendFailure::kCancelled: return "cancelled";
    case BackendFailure::kShuttingDown: return "shutting down";
    case BackendFailure::kConnect: return "connect";
  }
  return "failure";
}

namespace {

std::string milliseconds_text(std::chrono::milliseconds value) { return std::to_string(value.count()) + " ms"; }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Reads exactly `digits` decimal digits at `at`, advancing it.
bool read_number(std::string_view text, size_t& at, size_t digits, int& value) {
  if (at + digits > text.size()) return false;
  value = 0;
  for (size_t i = 0; i < digits; ++i) {
    char c = text[at + i];
    if (!is_digit(c)) return false;
    value = value * 10 + (c - '0');
  }
  at += digits;
  return true;
}

bool read_literal(std::string_view text, size_t& at, std::string_view literal) {
  if (text.substr(at, literal.size()) != literal) return false;
  at += literal.size();
  return true;
}

// "Jan".."Dec" at `at` (case-sensitive, as HTTP-date is), advancing it; 1-12.
bool read_month(std::string_view text, size_t& at, unsigned& month) {
  static constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                               "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  for (unsigned i = 0; i < kMonths.size(); ++i) {
    if (read_literal(text, at, kMonths[i])) {
      month = i + 1;
      return true;
    }
  }
  return false;
}

// "HH:MM:SS" at `at`, advancing it.
bool read_time_of_day(std::string_view text, size_t& at, int& hour, int& minute, int& second) {
  return read_number(text, at, 2, hour) && read_literal(text, at, ":") && read_number(text, at, 2, minute) &&
         read_literal(text, at, ":") && read_number(text, at, 2, second) && hour < 24 && minute < 60 &&
         second <= 60;  // a leap second
}

// An HTTP-date (RFC 9110 5.6.7) in any of its three forms; `now` places RFC 850's
// two-digit years.
std::optional<std::chrono::system_clock::time_point> parse_http_date(std::string_view text,
                                                                     std::chrono::system_clock::time_point now) {
  size_t comma = text.find(',');
  size_t at = 0;
  int day = 0, year = 0, hour = 0, minute = 0, second = 0;
  unsigned month = 0;
  if (comma == 3) {
    // IMF-fixdate: "Sun, 06 Nov 1994 08:49:37 GMT"
    at = 4;
    if (!(read_literal(text, at, " ") && read_number(text, at, 2, day) && read_literal(text, at, " ") &&
          read_month(text, at, month) && read_literal(text, at, " ") && read_number(text, at, 4, year) &&
          read_literal(text, at, " ") && read_time_of_day(text, at, hour, minute, second) &&
          read_literal(text, at, " GMT") && at == text.size())) {
      return std::nullopt;
    }
  } else if (comma != std::string_view::npos && comma > 3) {
    // RFC 850: "Sunday, 06-Nov-94 08:49:37 GMT"; a two-digit year that would be more
    // than 50 years ahead is the latest past year with those digits (RFC 9110 5.6.7).
    at = comma + 1;
    if (!(read_literal(text, at, " ") && read_number(text, at, 2, day) && read_literal(text, at, "-") &&
          read_month(text, at, month) && read_literal(text, at, "-") && read_number(text, at, 2, year) &&
          read_literal(text, at, " ") && read_time_of_day(text, at, hour, minute, second) &&
          read_literal(text, at, " GMT") && at == text.size())) {
      return std::nullopt;
    }
    int this_year = static_cast<int>(std::chrono::year_month_day{std::chrono::floor<std::chrono::days>(now)}.year());
    year += this_year - this_year % 100;
    if (year > this_year + 50) year -= 100;
  } else if (comma == std::string_view::npos && text.size() == 24) {
    // asctime: "Sun Nov  6 08:49:37 1994"
    at = 4;
    if (!read_month(text, at, month) || !read_literal(text, at, " ")) return std::nullopt;
    if (text[at] == ' ') {
      ++at;
      if (!read_number(text, at, 1, day)) return std::nullopt;
    } else if (!read_number(text, at, 2, day)) {
      return std::nullopt;
    }
    if (!(read_literal(text, at, " ") && read_time_of_day(text, at, hour, minute, second) &&
          read_literal(text, at, " ") && read_number(text, at, 4, year) && at == text.size())) {
      return std::nullopt;
    }
  } else {
    return std::nullopt;
  }
  std::chrono::year_month_day date{std::chrono::year{year}, std::chrono::month{month},
                                   std::chrono::day{static_cast<unsigned>(day)}};
  if (!date.ok()) return std::nullopt;
  return std::chrono::sys_days{date} + std::chrono::hours{hour} + std::chrono::minutes{minute} +
         std::chrono::seconds{second};
}

// Retry-After of a response whose headers were captured.
std::optional<std::chrono::milliseconds> retry_after_of(const http::ClientResult& result) {
  if (result.headers == nullptr) return std::nullopt;
  auto value = result.headers->get("Retry-After");
  if (!value) return std::nullopt;
  return parse_retry_after(*value, std::chrono::system_clock::now());
}

}  // namespace

std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now) {
  value = trim(value);
  if (value.empty()) return std::nullopt;
  if (is_digit(value.front())) {
    constexpr uint64_t kLargest = uint64_t{1} << 31;
    uint64_t seconds = 0;
    for (char c : value) {
      if (!is_digit(c)) return std::nullopt;
      seconds = std::min(kLargest, seconds * 10 + static_cast<uint64_t>(c - '0'));
    }
    return std::chrono::milliseconds(static_cast<int64_t>(seconds) * 1000);
  }
  auto date = parse_http_date(value, now);
  if (!date) return std::nullopt;
  if (*date <= now) return std::chrono::milliseconds(0);
  return std::chrono::ceil<std::chrono::milliseconds>(*date - now);
}

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
  explicit Call(BackendClient& owner) : timer([this, &owner] { owner.on_call_timer(this); }) {}
  std::string request;
  http::ClientConnection::RequestOptions options;
  std::chrono::milliseconds timeout{0};
  net::TimePoint deadline;
  net::TimePoint not_before;
  Completion done;  // empty once completed
  std::shared_ptr<CancelSignal> cancel;
  // Where the call is, on the loop thread:
  bool delayed = false;                                 // in delayed_, before not_before
  bool waiting = false;                                 // in waiting_, for a connection
  std::list<std::shared_ptr<Call>>::iterator position;  // in delayed_ or waiting_
  Slot* slot = nullptr;                                 // while in flight
  // Set when the client itself ends the call by closing its connection.
  BackendFailure ended_by = BackendFailure::kNone;
  std::string ended_because;
  // Armed while delayed (fires at not_before) or waiting (fires at the deadline).
  net::Timer timer;
};

namespace {

BackendResponse response_of(const http::ClientResult& result, std::chrono::milliseconds timeout) {
  if (result.error == http::ClientError::kTimeout) {
    switch (result.timeout) {
      case http::ClientTimeout::kConnect:
        return BackendResponse::failed(BackendFailure::kConnect, result.error_detail);
      case http::ClientTimeout::kFirstByte:
        return BackendResponse::failed(BackendFailure::kTimeout, result.error_detail);
      case http::ClientTimeout::kNone:
      case http::ClientTimeout::kTotal:
        break;
    }
    // The connection's own total is what was left of the call's; name the call's.
    return BackendResponse::failed(BackendFailure::kTimeout, "no complete response within " + milliseconds_text(timeout));
  }
  if (result.error != http::ClientError::kNone) {
    std::string error(http::to_string(result.error));
    if (!result.error_detail.empty()) error += ": " + result.error_detail;
    // Without a connection nothing was sent: the backend certainly did not process it.
    return BackendResponse::failed(result.connected ? BackendFailure::kTransport : BackendFailure::kConnect,
                                   std::move(error));
  }
  BackendResponse response;
  response.status = result.status;
  response.body = std::string(result.body);
  response.retry_after = retry_after_of(result);
  return response;
}

}  // namespace

struct BackendClient::Slot final : http::ClientConnection::Listener {
  Slot(BackendClient& owner) : owner(owner), connection(owner.loop_, owner.address_, this) {
    if (owner.tls_) connection.use_tls(*owner.tls_, owner.url_.host);
  }
  void on_response(http::ClientConnection&, const http::ClientResult& result) override {
    auto finished = std::move(call);
    call.reset();
    finished->slot = nullptr;
    owner.in_flight_.fetch_sub(1, std::memory_order_relaxed);
    BackendResponse response = finished->ended_by != BackendFailure::kNone
                                   ? BackendResponse::failed(finished->ended_by, finished->ended_because)
                                   : response_of(result, finished->timeout);
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
      tls_(url_.tls ? std::make_unique<net::TlsContext>(net::TlsOptions{}) : nullptr),
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
  CallOptions options;
  options.timeout = timeout;
  post_json_async(path, std::move(body), options, std::move(on_body_piece), std::move(on_done), std::move(cancel));
}

void BackendClient::post_json_async(std::string_view path, std::string body, const CallOptions& options,
                                    std::function<void(std::string_view)> on_body_piece, Completion on_done,
                                    std::shared_ptr<CancelSignal> cancel) {
  auto now = net::Clock::now();
  if (options.not_before > now && options.not_before >= now + options.timeout) {
    auto wait = std::chrono::ceil<std::chrono::milliseconds>(options.not_before - now);
    on_done(BackendResponse::failed(BackendFailure::kTimeout, "timed out after " + milliseconds_text(options.timeout) +
                                                                  ": the call may not start for another " +
                                                                  milliseconds_text(wait)));
    return;
  }
  auto call = std::make_shared<Call>(*this);
  call->timeout = options.timeout;
  call->deadline = now + options.timeout;
  call->not_before = options.not_before;
  std::vector<std::pair<std::string, std::string>> headers = {{"Content-Type", "application/json"},
                                                              {"Accept", "application/json"}};
  if (!api_key_.empty()) headers.emplace_back("Authorization", "Bearer " + api_key_);
  std::string host_header = url_.host + ":" + std::to_string(url_.port);
  call->request = http::format_request("POST", url_.base_path + std::string(path), host_header, headers, body);
  call->options.capture_body = true;
  call->options.capture_headers = true;  // for Retry-After
  call->options.connect_timeout = options.connect_timeout;
  call->options.first_byte_timeout = options.first_byte_timeout;
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
  if (call->not_before > net::Clock::now()) {
    // A backoff: wait holding nothing but a timer.
    call->position = delayed_.insert(delayed_.end(), call);
    call->delayed = true;
    loop_.arm(call->timer, call->not_before);
    return;
  }
  begin_on_loop(call);
}

void BackendClient::begin_on_loop(const std::shared_ptr<Call>& call) {
  if (net::Clock::now() >= call->deadline) {
    complete_on_loop(call, BackendResponse::failed(BackendFailure::kTimeout, "timed out after " +
                                                                                 milliseconds_text(call->timeout) +
                                                                                 " before it was sent"));
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
    loop_.arm(call->timer, call->deadline);
    return;
  }
  send_on_loop(slot, call);
}

void BackendClient::on_call_timer(Call* call) {
  if (call->delayed) {
    auto self = *call->position;
    delayed_.erase(call->position);
    call->delayed = false;
    begin_on_loop(self);
    return;
  }
  if (!call->waiting) return;
  auto self = *call->position;
  waiting_.erase(call->position);
  call->waiting = false;
  complete_on_loop(self, BackendResponse::failed(BackendFailure::kTimeout,
                                                 "timed out after " + milliseconds_text(call->timeout) +
                                                     " waiting for a free connection"));
}

void BackendClient::send_on_loop(Slot* slot, const std::shared_ptr<Call>& call) {
  loop_.disarm(call->timer);
  call->options.timeout = call->deadline - net::Clock::now();
  call->slot = slot;
  slot->call = call;
  in_flight_.fetch_add(1, std::memory_order_relaxed);
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

void BackendClient::cancel_on_loop(const std::shared_ptr<Call>& call) {
  if (!call->done) return;  // already completed
  if (call->delayed) {
    delayed_.erase(call->position);
    call->delayed = false;
    complete_on_loop(call, BackendResponse::failed(BackendFailure::kCancelled, "cancelled by the caller"));
  } else if (call->waiting) {
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
  loop_.disarm(call->timer);
  if (call->cancel) call->cancel->clear();
  if (!call->done) return;
  auto done = std::move(call->done);
  call->done = nullptr;
  pending_.fetch_sub(1, std::memory_order_relaxed);
  done(std::move(response));
}

void BackendClient::shutdown_on_loop() {
  shut_down_ = true;
  while (!delayed_.empty()) {
    auto call = std::move(delayed_.front());
    delayed_.pop_front();
    call->delayed = false;
    complete_on_loop(call, BackendResponse::failed(BackendFailure::kShuttingDown, "backend client shutting down"));
  }
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
