// ClientConnection: one keep-alive HTTP/1.1 client connection on an event loop, one
// request at a time (no pipelining), as a browser or Locust's HttpUser uses it. The
// owner hands it fully serialized request bytes and gets one completion per request:
// a status (and the body, when asked for) or a classified error. It connects lazily,
// reconnects when the server closed the connection, and retries a request once when a
// reused connection turns out to be dead before any response byte arrived.
//
// Time limits: RequestOptions::timeout bounds the whole request (connect, send, response);
// connect_timeout bounds establishing the TCP connection and first_byte_timeout the wait
// from the request's last byte written to the response's first byte (for a streamed
// model answer, the time to first token). Each phase limit is bounded by the total; zero
// means only the total applies. One timer serves them all, re-armed as a phase begins
// (never re-armed when no phase limit is set). Expiry fails the request with kTimeout,
// an error_detail naming the limit ("connect timed out after 2000 ms", "no first byte
// within 5000 ms", "no complete response within 30000 ms") and ClientResult::timeout
// saying which one it was.
//
// HTTPS: after use_tls() every connection speaks TLS (net::TlsStream): the handshake is
// part of the connect phase (connect_timeout covers TCP and TLS together), keep-alive
// works as over plain TCP, and a reconnect offers the previous connection's session so
// the server can resume it. A refused certificate fails the request with
// kTlsCertificate, any other handshake failure with kTlsHandshake; error_detail says why
// ("certificate verify failed: self-signed certificate"). Plain connections pay one
// pointer test per read and write for this.
//
// The completion callback may call send() again or destroy nothing but the request's
// own state; destroying the connection from inside the callback is not allowed (use
// EventLoop::defer).
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "http/parser.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace ragscale::net {
class TlsContext;
class TlsStream;
}  // namespace ragscale::net

namespace ragscale::http {

enum class ClientError {
  kNone,
  kConnectionRefused,
  kConnectionReset,  // reset or closed by the peer mid-response
  kTimeout,
  kProtocol,  // the response could not be parsed
  kOther,
  kTlsCertificate,  // the server's certificate failed verification
  kTlsHandshake,    // the TLS handshake failed for another reason
};

std::string_view to_string(ClientError error);

// Which limit ended a request with kTimeout.
enum class ClientTimeout {
  kNone,
  kConnect,    // RequestOptions::connect_timeout: the connection (TCP, and TLS) was not established in time
  kFirstByte,  // RequestOptions::first_byte_timeout: no response byte after the request was sent
  kTotal,      // RequestOptions::timeout
};

struct ClientResult {
  ClientError error = ClientError::kNone;
  int status = 0;
  std::string_view body;       // only when the request asked for it; valid during the callback
  uint64_t body_bytes = 0;     // decoded body size, counted whether captured or not
  const Headers* headers = nullptr;  // only when the request asked for headers
  std::string error_detail;    // e.g. strerror text
  ClientTimeout timeout = ClientTimeout::kNone;  // set with ClientError::kTimeout
  // Whether the connection the request last went out on was established. False on a
  // failure means no byte of the request reached the server (refused, unreachable,
  // no socket, connect timeout): it was certainly not processed.
  bool connected = false;
  net::TimePoint completed_at;
};

class ClientConnection final : public net::IoHandler, private MessageSink {
 public:
  class Listener {
   public:
    virtual ~Listener() = default;
    virtual void on_response(ClientConnection& connection, const ClientResult& result) = 0;
  };

  struct RequestOptions {
    bool capture_body = false;
    bool capture_headers = false;
    bool head_request = false;
    net::Clock::duration timeout = std::chrono::seconds(60);  // the whole request
    // Establishing the connection, TCP and any TLS handshake (when the request needs a new
    // one); 0 = only `timeout`.
    net::Clock::duration connect_timeout{0};
    // From the request's last byte written to the response's first byte; 0 = only `timeout`.
    net::Clock::duration first_byte_timeout{0};
    // Called with each body piece as it arrives (streamed responses: SSE, chunked).
    // Optional; the body is still captured when capture_body is set.
    std::function<void(std::string_view)> on_body_piece;
  };

  // `source`: the local address to connect from (see net::SourceAddressPool); none = the
  // kernel's choice.
  ClientConnection(net::EventLoop& loop, const net::SocketAddress& address, Listener* listener,
                   std::optional<net::SocketAddress> source = std::nullopt);
  ~ClientConnection() override;
  ClientConnection(const ClientConnection&) = delete;
  ClientConnection& operator=(const ClientConnection&) = delete;

  // Speaks TLS on every connection from now on; `server_name` is sent as SNI (unless it is
  // an IP address) and checked against the certificate. `context` must outlive this.
  void use_tls(net::TlsContext& context, std::string server_name);

  // Starts a request. `request_bytes` must stay valid until the completion. Only one
  // request may be in flight.
  void send(std::string_view request_bytes, const RequestOptions& options);

  bool busy() const { return in_flight_; }
  bool connected() const { return fd_ >= 0 && !connecting_ && !handshaking_; }
  // Closes the socket; an in-flight request completes with kConnectionReset.
  void close();
  // Like close(), but the server sees a reset, not an orderly close: for abandoning a
  // request, so the server stops working on an answer nobody will read.
  void abort();
  // Counts of TCP connections opened, for reports.
  uint64_t connects() const { return connects_; }
  // When the bytes being delivered to on_body_piece were read from the socket (set only
  // for requests with on_body_piece): the exact arrival time of a streamed piece.
  net::TimePoint last_read_at() const { return last_read_at_; }
  // Whether the last TLS handshake resumed an earlier session (false without TLS).
  bool tls_resumed() const;

  void on_io(uint32_t events) override;

 private:
  bool on_head(MessageHead& head) override;
  bool on_body(std::string_view piece) override;
  bool on_complete(bool keep_alive) override;

  // Where a request is, for its time limits.
  enum class Phase { kConnect, kSend, kFirstByte, kReceive };
  void enter_phase(Phase phase);
  void on_timeout();

  void open_socket();
  void start_handshake();
  void continue_handshake();
  // After a TLS read or write had to wait: the socket events that let it continue.
  void wait_tls();
  void write_pending();
  void handle_readable();
  void fail(ClientError error, std::string detail, ClientTimeout timeout = ClientTimeout::kNone);
  void finish();
  void close_socket();
  void update_interest(bool want_write);

  net::EventLoop& loop_;
  net::SocketAddress address_;
  std::optional<net::SocketAddress> source_;
  Listener* listener_;
  HttpParser parser_;
  net::Timer timeout_timer_;  // the current phase's deadline (see enter_phase)
  net::TimePoint total_deadline_{};
  ClientTimeout armed_limit_ = ClientTimeout::kTotal;  // what timeout_timer_'s deadline enforces
  // Delivers a failure found inside send() on the next loop iteration, so a caller that
  // sends again from its completion callback cannot recurse without bound.
  net::Timer deferred_failure_timer_;
  ClientError deferred_error_ = ClientError::kNone;
  std::string deferred_detail_;

  std::unique_ptr<net::TlsStream> tls_;  // null: plain TCP

  int fd_ = -1;
  bool connecting_ = false;
  bool handshaking_ = false;  // the TLS handshake of the current socket is under way
  bool established_ = false;  // the current socket's connect (and TLS handshake) completed
  bool want_write_ = false;
  bool in_flight_ = false;
  bool reused_connection_ = false;  // the request went out on a connection used before
  bool retried_ = false;
  bool response_started_ = false;
  bool response_complete_ = false;
  bool keep_alive_ = true;
  uint64_t connects_ = 0;
  net::TimePoint last_read_at_{};

  std::string_view request_;
  size_t written_ = 0;
  RequestOptions options_;
  int status_ = 0;
  uint64_t body_bytes_ = 0;
  std::string body_;
  Headers headers_;
};

}  // namespace ragscale::http
