#include "http/client_connection.h"

#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <string>

#include "net/tls_stream.h"

namespace ragscale::http {

std::string_view to_string(ClientError error) {
  switch (error) {
    case ClientError::kNone: return "none";
    case ClientError::kConnectionRefused: return "connection refused";
    case ClientError::kConnectionReset: return "connection reset";
    case ClientError::kTimeout: return "timeout";
    case ClientError::kProtocol: return "protocol error";
    case ClientError::kOther: return "error";
    case ClientError::kTlsCertificate: return "TLS certificate rejected";
    case ClientError::kTlsHandshake: return "TLS handshake failed";
  }
  return "error";
}

namespace {

// One read buffer per thread: a connection keeps no buffer of its own between reads
// (the parser is incremental), so 15,000 idle users cost no buffer memory.
char* thread_read_buffer(size_t& size) {
  static thread_local char buffer[64 * 1024];
  size = sizeof buffer;
  return buffer;
}

std::string milliseconds_text(net::Clock::duration value) {
  return std::to_string(std::chrono::duration_cast<std::chrono::milliseconds>(value).count()) + " ms";
}

// 1xx other than 101 (we never ask to switch protocols): an interim response.
bool is_interim(int status) { return status >= 100 && status < 200 && status != 101; }

}  // namespace

ClientConnection::ClientConnection(net::EventLoop& loop, const net::SocketAddress& address, Listener* listener,
                                   std::optional<net::SocketAddress> source)
    : loop_(loop),
      address_(address),
      source_(std::move(source)),
      listener_(listener),
      parser_(this, false),
      timeout_timer_([this] { on_timeout(); }),
      deferred_failure_timer_([this] { fail(deferred_error_, std::move(deferred_detail_)); }) {}

ClientConnection::~ClientConnection() {
  loop_.disarm(timeout_timer_);
  loop_.disarm(deferred_failure_timer_);
  close_socket();
}

void ClientConnection::use_tls(net::TlsContext& context, std::string server_name) {
  close_socket();
  tls_ = std::make_unique<net::TlsStream>(context, std::move(server_name));
}

bool ClientConnection::tls_resumed() const { return tls_ && tls_->resumed(); }

void ClientConnection::send(std::string_view request_bytes, const RequestOptions& options) {
  in_flight_ = true;
  request_ = request_bytes;
  written_ = 0;
  options_ = options;
  status_ = 0;
  body_bytes_ = 0;
  body_.clear();
  headers_.clear();
  response_started_ = false;
  response_complete_ = false;
  retried_ = false;
  parser_.reset();
  parser_.set_capture_headers(options.capture_headers);
  if (options.head_request) parser_.expect_head_response();
  total_deadline_ = net::Clock::now() + options.timeout;
  enter_phase(Phase::kSend);
  if (fd_ < 0) {
    open_socket();
    return;
  }
  reused_connection_ = true;
  if (!connecting_ && !handshaking_) write_pending();
}

void ClientConnection::enter_phase(Phase phase) {
  net::Clock::duration limit{0};
  ClientTimeout kind = ClientTimeout::kTotal;
  if (phase == Phase::kConnect) {
    limit = options_.connect_timeout;
    kind = ClientTimeout::kConnect;
  } else if (phase == Phase::kFirstByte) {
    limit = options_.first_byte_timeout;
    kind = ClientTimeout::kFirstByte;
  }
  net::TimePoint deadline = total_deadline_;
  if (limit > net::Clock::duration::zero()) {
    net::TimePoint phase_deadline = net::Clock::now() + limit;
    if (phase_deadline < total_deadline_) deadline = phase_deadline;
  }
  // No phase limit, or the total ends first: the total is what expires.
  armed_limit_ = deadline == total_deadline_ ? ClientTimeout::kTotal : kind;
  // Without phase limits every phase has the total's deadline: the timer stays put.
  if (!timeout_timer_.armed() || timeout_timer_.deadline() != deadline) loop_.arm(timeout_timer_, deadline);
}

void ClientConnection::on_timeout() {
  switch (armed_limit_) {
    case ClientTimeout::kConnect:
      fail(ClientError::kTimeout,
           "connect timed out after " + milliseconds_text(options_.connect_timeout) +
               (handshaking_ ? " (in the TLS handshake)" : ""),
           ClientTimeout::kConnect);
      return;
    case ClientTimeout::kFirstByte:
      fail(ClientError::kTimeout, "no first byte within " + milliseconds_text(options_.first_byte_timeout),
           ClientTimeout::kFirstByte);
      return;
    case ClientTimeout::kNone:
    case ClientTimeout::kTotal:
      break;
  }
  fail(ClientError::kTimeout, "no complete response within " + milliseconds_text(options_.timeout),
       ClientTimeout::kTotal);
}

void ClientConnection::open_socket() {
  reused_connection_ = false;
  established_ = false;
  fd_ = net::start_connect(address_, source_ ? &*source_ : nullptr);
  if (fd_ < 0) {
    deferred_error_ = errno == ECONNREFUSED ? ClientError::kConnectionRefused : ClientError::kOther;
    deferred_detail_ = std::strerror(errno);
    loop_.arm(deferred_failure_timer_, net::Clock::now());
    return;
  }
  ++connects_;
  connecting_ = true;
  want_write_ = true;
  loop_.add(fd_, EPOLLIN | EPOLLOUT, this);
  enter_phase(Phase::kConnect);
}

void ClientConnection::update_interest(bool want_write) {
  if (want_write == want_write_ || fd_ < 0) return;
  want_write_ = want_write;
  loop_.modify(fd_, want_write ? (EPOLLIN | EPOLLOUT) : EPOLLIN, this);
}

void ClientConnection::start_handshake() {
  if (!tls_->start(fd_)) {
    fail(ClientError::kTlsHandshake, tls_->failure());
    return;
  }
  handshaking_ = true;
  continue_handshake();
}

void ClientConnection::continue_handshake() {
  int result = tls_->handshake();
  if (result == 0) {
    update_interest(tls_->handshake_wants_write());
    return;
  }
  if (result < 0) {
    fail(tls_->certificate_rejected() ? ClientError::kTlsCertificate : ClientError::kTlsHandshake, tls_->failure());
    return;
  }
  handshaking_ = false;
  established_ = true;
  update_interest(false);
  if (in_flight_) {
    enter_phase(Phase::kSend);
    write_pending();
  }
}

void ClientConnection::wait_tls() {
  const bool write_blocked = in_flight_ && written_ < request_.size() && tls_->write_wants_write();
  update_interest(write_blocked || tls_->read_wants_write());
}

void ClientConnection::write_pending() {
  while (written_ < request_.size()) {
    const char* data = request_.data() + written_;
    const size_t size = request_.size() - written_;
    ssize_t n = tls_ ? tls_->write(data, size) : ::send(fd_, data, size, MSG_NOSIGNAL);
    if (n > 0) {
      written_ += static_cast<size_t>(n);
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      if (tls_) wait_tls();
      else update_interest(true);
      return;
    }
    if (n < 0 && errno == EINTR) continue;
    fail(ClientError::kConnectionReset, n == 0 ? "connection closed" : tls_ ? tls_->failure() : std::strerror(errno));
    return;
  }
  if (tls_) wait_tls();
  else update_interest(false);
  // The whole request is out: the wait for the answer begins (unless it already began).
  if (!response_started_) enter_phase(Phase::kFirstByte);
}

void ClientConnection::on_io(uint32_t events) {
  if (connecting_) {
    if ((events & (EPOLLOUT | EPOLLERR | EPOLLHUP)) == 0) return;
    int error = net::connect_error(fd_);
    if (error != 0) {
      fail(error == ECONNREFUSED ? ClientError::kConnectionRefused : ClientError::kOther, std::strerror(error));
      return;
    }
    connecting_ = false;
    if (tls_) {
      start_handshake();
      return;
    }
    established_ = true;
    if (in_flight_) {
      enter_phase(Phase::kSend);
      write_pending();
    }
    return;
  }
  if (handshaking_) {
    continue_handshake();
    return;
  }
  const bool readable = (events & (EPOLLIN | EPOLLERR | EPOLLHUP)) != 0;
  const bool writable = (events & EPOLLOUT) != 0;
  // A TLS write can wait for the socket to become readable (and a read for writable).
  if (in_flight_ && written_ < request_.size() && ((tls_ && !tls_->write_wants_write()) ? readable : writable)) {
    write_pending();
  }
  if (fd_ >= 0 && (readable || (tls_ && writable && tls_->read_wants_write()))) handle_readable();
}

void ClientConnection::handle_readable() {
  size_t capacity;
  char* buffer = thread_read_buffer(capacity);
  for (;;) {
    ssize_t n = tls_ ? tls_->read(buffer, capacity) : ::recv(fd_, buffer, capacity, 0);
    if (n > 0) {
      if (options_.on_body_piece) last_read_at_ = net::Clock::now();
      if (!in_flight_) {
        // Bytes nobody asked for: the server is confused; drop the connection.
        close_socket();
        return;
      }
      if (!response_started_) {
        response_started_ = true;
        enter_phase(Phase::kReceive);
      }
      size_t consumed = parser_.feed(buffer, static_cast<size_t>(n));
      if (response_complete_) {
        finish();
        return;
      }
      if (consumed != static_cast<size_t>(n) || parser_.failed()) {
        fail(ClientError::kProtocol, parser_.error());
        return;
      }
      // Drained; wait for the next event. A TLS read returns one record at a time, so
      // only an empty TLS buffer means the same.
      if (static_cast<size_t>(n) < capacity && !(tls_ && tls_->pending())) return;
      continue;
    }
    if (n < 0 && errno == EAGAIN) {
      if (tls_) wait_tls();
      return;
    }
    if (n < 0 && errno == EINTR) continue;
    const int read_error = n < 0 ? errno : 0;
    // EOF or error.
    if (in_flight_ && response_started_) {
      parser_.feed_eof();  // completes responses delimited by connection close
      if (response_complete_) {
        keep_alive_ = false;
        finish();
        return;
      }
    }
    if (!in_flight_) {
      close_socket();  // idle keep-alive connection closed by the server
      return;
    }
    std::string detail = n == 0 ? "connection closed by the server" : tls_ ? tls_->failure() : std::strerror(read_error);
    if (!response_started_ && reused_connection_ && !retried_) {
      // The server closed an idle connection just as we reused it: retry once on a
      // fresh connection, as HTTP clients do for idempotent reuse races.
      close_socket();
      retried_ = true;
      written_ = 0;
      parser_.reset();
      if (options_.head_request) parser_.expect_head_response();
      open_socket();
      return;
    }
    fail(read_error == EPROTO ? ClientError::kProtocol : ClientError::kConnectionReset, detail);
    return;
  }
}

bool ClientConnection::on_head(MessageHead& head) {
  status_ = head.status;
  if (is_interim(status_)) return true;
  if (options_.capture_headers) headers_ = std::move(head.headers);
  return true;
}

bool ClientConnection::on_body(std::string_view piece) {
  body_bytes_ += piece.size();
  if (options_.capture_body) body_.append(piece);
  if (options_.on_body_piece) options_.on_body_piece(piece);
  return true;
}

bool ClientConnection::on_complete(bool keep_alive) {
  if (is_interim(status_)) {
    status_ = 0;
    return true;  // "100 Continue" and the like: the response proper follows
  }
  response_complete_ = true;
  keep_alive_ = keep_alive;
  return false;  // pause: one response per request
}

void ClientConnection::finish() {
  loop_.disarm(timeout_timer_);
  in_flight_ = false;
  if (!keep_alive_) close_socket();
  ClientResult result;
  result.status = status_;
  result.body_bytes = body_bytes_;
  result.body = body_;
  result.headers = options_.capture_headers ? &headers_ : nullptr;
  result.connected = true;
  result.completed_at = net::Clock::now();
  listener_->on_response(*this, result);
}

void ClientConnection::fail(ClientError error, std::string detail, ClientTimeout timeout) {
  loop_.disarm(timeout_timer_);
  close_socket();
  if (!in_flight_) return;
  in_flight_ = false;
  ClientResult result;
  result.error = error;
  result.status = 0;
  result.body_bytes = body_bytes_;
  result.error_detail = std::move(detail);
  result.timeout = timeout;
  result.connected = established_;
  result.completed_at = net::Clock::now();
  listener_->on_response(*this, result);
}

void ClientConnection::close_socket() {
  if (fd_ < 0) return;
  loop_.remove(fd_);
  if (tls_) tls_->end();
  ::close(fd_);
  fd_ = -1;
  connecting_ = false;
  handshaking_ = false;
  want_write_ = false;
}

void ClientConnection::abort() {
  if (fd_ >= 0) net::reset_on_close(fd_);
  close();
}

void ClientConnection::close() {
  if (in_flight_) {
    fail(ClientError::kConnectionReset, "closed by the client");
  } else {
    close_socket();
  }
}

}  // namespace ragscale::http
