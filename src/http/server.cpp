#include "http/server.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <unordered_map>

#include "http/response_format.h"

namespace ragscale::http {

// One accepted connection. Lives in its worker's table; Responders share ownership so
// an answer that arrives after the client left finds a closed connection, not freed memory.
class ServerConnection final : public net::IoHandler,
                               private MessageSink,
                               public std::enable_shared_from_this<ServerConnection> {
 public:
  ServerConnection(HttpServer& server, net::EventLoop& loop, int fd,
                   std::unordered_map<ServerConnection*, std::shared_ptr<ServerConnection>>& table)
      : server_(server),
        loop_(loop),
        fd_(fd),
        table_(table),
        parser_(HttpParser::Kind::kRequest, this, true),
        deadline_timer_([this] { close(); }) {
    parser_.set_max_head_bytes(server.options_.limits.max_head_bytes);
  }

  ~ServerConnection() override { close_socket(); }

  void start() {
    loop_.add(fd_, EPOLLIN, this);
    arm_deadline(server_.options_.limits.idle_timeout);
  }

  void on_io(uint32_t events) override {
    if (closed_) return;
    if ((events & EPOLLOUT) != 0) {
      flush();
      if (closed_) return;
    }
    if ((events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0) read_input();
  }

  // --- Responder operations -------------------------------------------------------

  bool is_current(uint64_t number) const { return !closed_ && awaiting_response_ && number == request_number_; }

  void send(uint64_t number, Response& response) {
    if (!is_current(number) || streaming_) return;
    bool close_after = !response.keep_alive || !request_keep_alive_ || draining();
    append_head(output_, response.status, response.headers, server_.options_.server_name, response.body.size(),
                close_after);
    output_.append(response.body);
    complete_response(close_after);
  }

  void start_stream(uint64_t number, int status, std::string_view content_type, const Headers& extra) {
    if (!is_current(number) || streaming_) return;
    Headers headers = extra;
    headers.add("Content-Type", std::string(content_type));
    headers.add("Transfer-Encoding", "chunked");
    if (content_type == "text/event-stream") headers.add("Cache-Control", "no-cache");
    stream_close_after_ = !request_keep_alive_ || draining();
    append_head(output_, status, headers, server_.options_.server_name, std::nullopt, stream_close_after_);
    streaming_ = true;
    flush();
  }

  bool write_chunk(uint64_t number, std::string_view data) {
    if (!is_current(number) || !streaming_) return false;
    if (data.empty()) return true;
    append_chunk(output_, data);
    flush();
    return !closed_;
  }

  void finish_stream(uint64_t number) {
    if (!is_current(number) || !streaming_) return;
    output_.append("0\r\n\r\n");
    streaming_ = false;
    complete_response(stream_close_after_);
  }

  void abort(uint64_t number) {
    if (!is_current(number)) return;
    // SO_LINGER 0 turns close into a reset, which is what "connection reset" means.
    linger lin{1, 0};
    ::setsockopt(fd_, SOL_SOCKET, SO_LINGER, &lin, sizeof lin);
    close();
  }

  bool closed() const { return closed_; }
  net::EventLoop& loop() { return loop_; }

  void close() {
    if (closed_) return;
    closed_ = true;
    loop_.disarm(deadline_timer_);
    if (awaiting_response_) {
      awaiting_response_ = false;
      server_.in_flight_.fetch_sub(1, std::memory_order_relaxed);
    }
    close_socket();
    // Erase after the current batch of events, which may still name this connection.
    auto self = shared_from_this();
    loop_.defer([self, this] { table_.erase(this); });
  }

  void close_socket() {
    if (fd_ < 0) return;
    loop_.remove(fd_);
    ::close(fd_);
    fd_ = -1;
    server_.connections_.fetch_sub(1, std::memory_order_relaxed);
  }

  // Called when the server drains: idle connections close now, busy ones after answering.
  void drain() {
    if (!awaiting_response_) close();
  }

 private:
  bool draining() const { return server_.stopped_; }

  void arm_deadline(std::chrono::milliseconds timeout) { loop_.arm(deadline_timer_, net::Clock::now() + timeout); }

  void read_input() {
    char buffer[16 * 1024];
    for (;;) {
      ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n > 0) {
        if (!mid_request_) {
          mid_request_ = true;
          arm_deadline(server_.options_.limits.head_timeout);
        }
        pending_input_.append(buffer, static_cast<size_t>(n));
        // A client that pipelines far ahead of our answers is bounded too.
        if (pending_input_.size() > server_.options_.limits.max_head_bytes + current_body_limit_ + 65536) {
          if (awaiting_response_) {
            loop_.modify(fd_, want_write_ ? static_cast<uint32_t>(EPOLLOUT) : 0u, this);
            reading_paused_ = true;
            return;
          }
        }
        process_input();
        if (closed_) return;
        if (static_cast<size_t>(n) < sizeof buffer) return;
        continue;
      }
      if (n < 0 && errno == EAGAIN) return;
      if (n < 0 && errno == EINTR) continue;
      // EOF: the client is done sending. Finish the answer in progress if any.
      // Stop reading: level-triggered EPOLLIN would report the EOF again and again.
      if (!awaiting_response_) {
        close();
        return;
      }
      half_closed_ = true;
      reading_paused_ = true;
      loop_.modify(fd_, want_write_ ? static_cast<uint32_t>(EPOLLOUT) : 0u, this);
      return;
    }
  }

  void process_input() {
    if (processing_) return;  // a synchronous answer inside dispatch: the loop below continues
    processing_ = true;
    while (!closed_ && !awaiting_response_ && !pending_input_.empty()) {
      size_t consumed = parser_.feed(pending_input_.data(), pending_input_.size());
      if (rejected_status_ != 0) {
        reject(rejected_status_, rejected_message_);
        break;
      }
      if (parser_.failed()) {
        bool head_too_large = parser_.error().find("head larger") != std::string::npos;
        reject(head_too_large ? 431 : 400, parser_.error());
        break;
      }
      pending_input_.erase(0, consumed);
      if (!request_complete_) break;
      request_complete_ = false;
      parser_.resume();
      dispatch();
    }
    processing_ = false;
  }

  void dispatch() {
    awaiting_response_ = true;
    mid_request_ = false;
    ++request_number_;
    loop_.disarm(deadline_timer_);
    server_.in_flight_.fetch_add(1, std::memory_order_relaxed);
    Request request = std::move(request_);
    request_ = Request();
    request_keep_alive_ = request.keep_alive;
    server_.handler_(request, Responder(shared_from_this(), request_number_));
  }

  void complete_response(bool close_after) {
    awaiting_response_ = false;
    server_.in_flight_.fetch_sub(1, std::memory_order_relaxed);
    close_after_flush_ = close_after || half_closed_;
    flush();
    if (closed_) return;
    if (close_after_flush_) return;  // flush() closes once the output is out
    arm_deadline(server_.options_.limits.idle_timeout);
    if (reading_paused_) {
      reading_paused_ = false;
      loop_.modify(fd_, want_write_ ? (EPOLLIN | EPOLLOUT) : EPOLLIN, this);
    }
    if (!pending_input_.empty()) {
      mid_request_ = true;
      arm_deadline(server_.options_.limits.head_timeout);
      if (!processing_) loop_.defer([self = shared_from_this()] { self->process_input(); });
    }
  }

  void reject(int status, const std::string& message) {
    // Answer even though the request was not dispatched, then close: after a framing
    // error the rest of the stream cannot be trusted.
    if (!awaiting_response_) {
      awaiting_response_ = true;
      server_.in_flight_.fetch_add(1, std::memory_order_relaxed);
    }
    Headers headers;
    headers.add("Content-Type", "application/json");
    std::string body = error_json(status, message);
    append_head(output_, status, headers, server_.options_.server_name, body.size(), true);
    output_.append(body);
    pending_input_.clear();
    complete_response(true);
  }

  void flush() {
    while (output_sent_ < output_.size()) {
      ssize_t n = ::send(fd_, output_.data() + output_sent_, output_.size() - output_sent_, MSG_NOSIGNAL);
      if (n > 0) {
        output_sent_ += static_cast<size_t>(n);
        continue;
      }
      if (n < 0 && errno == EINTR) continue;
      if (n < 0 && errno == EAGAIN) {
        if (output_.size() - output_sent_ > server_.options_.limits.max_unsent_bytes) {
          close();  // the reader is too slow to keep; never buffer without bound
          return;
        }
        if (!want_write_) {
          want_write_ = true;
          loop_.modify(fd_, reading_paused_ ? EPOLLOUT : (EPOLLIN | EPOLLOUT), this);
        }
        return;
      }
      close();
      return;
    }
    output_.clear();
    output_sent_ = 0;
    if (want_write_) {
      want_write_ = false;
      loop_.modify(fd_, reading_paused_ ? 0u : static_cast<uint32_t>(EPOLLIN), this);
    }
    if (close_after_flush_ && !awaiting_response_) close();
  }

  // --- parser sink ------------------------------------------------------------------

  bool on_head(MessageHead& head) override {
    const auto& options = server_.options_;
    current_body_limit_ = options.body_limit ? options.body_limit(head) : options.limits.max_body_bytes;
    if (head.has_content_length && head.content_length > current_body_limit_) {
      rejected_status_ = 413;
      rejected_message_ = "request body of " + std::to_string(head.content_length) + " bytes exceeds the limit of " +
                          std::to_string(current_body_limit_) + " bytes";
      return false;
    }
    request_.method = std::move(head.method);
    request_.target = std::move(head.target);
    request_.headers = std::move(head.headers);
    request_.keep_alive = head.keep_alive;
    request_.body.clear();
    if (head.has_content_length) request_.body.reserve(head.content_length);
    arm_deadline(server_.options_.limits.body_timeout);
    return true;
  }

  bool on_body(std::string_view piece) override {
    if (request_.body.size() + piece.size() > current_body_limit_) {
      rejected_status_ = 413;
      rejected_message_ = "request body exceeds the limit of " + std::to_string(current_body_limit_) + " bytes";
      return false;
    }
    request_.body.append(piece);
    return true;
  }

  bool on_complete(bool keep_alive) override {
    request_.keep_alive = keep_alive;
    request_complete_ = true;
    return false;  // pause: answer this request before parsing the next
  }

  HttpServer& server_;
  net::EventLoop& loop_;
  int fd_;
  std::unordered_map<ServerConnection*, std::shared_ptr<ServerConnection>>& table_;
  HttpParser parser_;
  net::Timer deadline_timer_;

  std::string pending_input_;
  std::string output_;
  size_t output_sent_ = 0;
  Request request_;
  uint64_t request_number_ = 0;
  size_t current_body_limit_ = 0;
  int rejected_status_ = 0;
  std::string rejected_message_;
  bool closed_ = false;
  bool awaiting_response_ = false;
  bool request_complete_ = false;
  bool request_keep_alive_ = true;
  bool streaming_ = false;
  bool stream_close_after_ = false;
  bool close_after_flush_ = false;
  bool want_write_ = false;
  bool reading_paused_ = false;
  bool half_closed_ = false;
  bool mid_request_ = false;
  bool processing_ = false;
};

// --- Responder ---------------------------------------------------------------------

Responder::Responder(std::shared_ptr<ServerConnection> connection, uint64_t request_number)
    : connection_(std::move(connection)), request_number_(request_number) {}

void Responder::send(Response response) {
  if (connection_) connection_->send(request_number_, response);
}

void Responder::send(int status, std::string_view content_type, std::string body, const Headers& extra) {
  Response response;
  response.status = status;
  response.headers = extra;
  response.headers.add("Content-Type", std::string(content_type));
  response.body = std::move(body);
  send(std::move(response));
}

void Responder::start_stream(int status, std::string_view content_type, const Headers& extra) {
  if (connection_) connection_->start_stream(request_number_, status, content_type, extra);
}

bool Responder::write(std::string_view data) {
  return connection_ && connection_->write_chunk(request_number_, data);
}

void Responder::finish() {
  if (connection_) connection_->finish_stream(request_number_);
}

void Responder::abort() {
  if (connection_) connection_->abort(request_number_);
}

bool Responder::alive() const { return connection_ && connection_->is_current(request_number_); }

net::EventLoop* Responder::loop() const { return connection_ ? &connection_->loop() : nullptr; }

// --- HttpServer ----------------------------------------------------------------------

struct HttpServer::Worker final : net::IoHandler {
  HttpServer* server = nullptr;
  net::EventLoop loop;
  int listen_fd = -1;
  std::thread thread;
  std::unordered_map<ServerConnection*, std::shared_ptr<ServerConnection>> connections;

  void on_io(uint32_t) override {
    for (;;) {
      int fd = net::accept_connection(listen_fd);
      if (fd < 0) return;  // EAGAIN, or an error such as EMFILE: try again on the next event
      if (server->connections_.load(std::memory_order_relaxed) >= server->options_.limits.max_connections ||
          server->stopped_) {
        // Over the bound: answer 503 at once rather than queueing without limit.
        static constexpr char kBusy[] =
            "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\nRetry-After: 1\r\n"
            "Connection: close\r\nContent-Length: 73\r\n\r\n"
            "{\"error\":{\"code\":\"overloaded\",\"message\":\"too many open connections\"}}\n";
        [[maybe_unused]] ssize_t n = ::send(fd, kBusy, sizeof kBusy - 1, MSG_NOSIGNAL);
        ::close(fd);
        continue;
      }
      server->connections_.fetch_add(1, std::memory_order_relaxed);
      auto connection = std::make_shared<ServerConnection>(*server, loop, fd, connections);
      connections.emplace(connection.get(), connection);
      connection->start();
    }
  }

  void stop_listening() {
    if (listen_fd >= 0) {
      loop.remove(listen_fd);
      ::close(listen_fd);
      listen_fd = -1;
    }
  }
};

HttpServer::HttpServer(Options options, RequestHandler handler)
    : options_(std::move(options)), handler_(std::move(handler)) {
  if (options_.threads < 1) options_.threads = 1;
}

HttpServer::~HttpServer() {
  if (started_ && !stopped_) shutdown(std::chrono::milliseconds(0));
}

void HttpServer::start() {
  net::SocketAddress address = net::resolve(options_.host, options_.port);
  uint16_t port = options_.port;
  for (int i = 0; i < options_.threads; ++i) {
    auto worker = std::make_unique<Worker>();
    worker->server = this;
    // The first listener picks the port when asked for port 0; the rest share it.
    net::SocketAddress bind_address = address;
    if (i > 0 && port != options_.port) bind_address = net::resolve(options_.host, port);
    worker->listen_fd = net::listen_tcp(bind_address, options_.threads > 1);
    if (i == 0) port = net::local_port(worker->listen_fd);
    worker->loop.add(worker->listen_fd, EPOLLIN, worker.get());
    workers_.push_back(std::move(worker));
  }
  port_ = port;
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->thread = std::thread([w] { w->loop.run(); });
  }
  started_ = true;
}

std::vector<net::EventLoop*> HttpServer::loops() const {
  std::vector<net::EventLoop*> result;
  for (const auto& worker : workers_) result.push_back(&worker->loop);
  return result;
}

void HttpServer::shutdown(std::chrono::milliseconds grace) {
  if (!started_ || stopped_) return;
  stopped_ = true;
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->loop.post([w] {
      w->stop_listening();
      std::vector<std::shared_ptr<ServerConnection>> all;
      for (auto& [raw, connection] : w->connections) all.push_back(connection);
      for (auto& connection : all) connection->drain();
    });
  }
  auto deadline = std::chrono::steady_clock::now() + grace;
  while (in_flight_.load() > 0 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  for (auto& worker : workers_) {
    Worker* w = worker.get();
    w->loop.post([w] {
      std::vector<std::shared_ptr<ServerConnection>> all;
      for (auto& [raw, connection] : w->connections) all.push_back(connection);
      for (auto& connection : all) connection->close();
      w->loop.stop();
    });
  }
  for (auto& worker : workers_) {
    if (worker->thread.joinable()) worker->thread.join();
  }
  for (auto& worker : workers_) worker->connections.clear();
}

}  // namespace ragscale::http
