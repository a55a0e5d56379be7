// BackendClient: calls to one HTTP/1.1 backend (an OpenAI-compatible server: vLLM, TEI,
// llama.cpp, Ollama, OpenAI, ragscale sim; http or https) over the network
// core's ClientConnection, on the client's own event-loop thread, with a pool of
// keep-alive connections and a deadline per call.
//
// Contract:
// - post_json_async() may be called from any thread and returns at once. Its completion
//   runs exactly once: on the client's loop thread, or at once on the calling thread
//   when the call is refused up front (queue full, client shut down, a not_before past
//   the deadline). Waiting on a slow model costs no thread.
// - post_json() is for worker threads: it blocks the calling thread (never an event loop)
//   until the response, a failure or the deadline.
// - A call's timeout runs from the moment it is made: a not_before delay and waiting for
//   a connection included. CallOptions::connect_timeout and first_byte_timeout limit
//   those phases of the request (see http::ClientConnection), each within the timeout.
// - CallOptions::not_before (a retry's backoff): the call is sent no earlier than that.
//   It waits on a loop timer, holding no connection; it counts as pending (and toward
//   the bound below), can be cancelled while it waits, and then queues for a connection
//   like a new call. A not_before at or past the deadline fails at once with kTimeout.
// - At most max_connections requests are in flight and at most max_waiting more wait
//   their turn (first come, first served); past that a call fails at once with
//   BackendFailure::kOverloaded.
// - A CancelSignal given with a call ends it early: a delayed or waiting call leaves the
//   client, an in-flight one has its connection closed (the backend sees its client go
//   away); it completes with kCancelled.
// - shutdown() (also run by the destructor) completes every delayed, waiting and
//   in-flight call with kShuttingDown on the loop thread, then stops and joins that
//   thread; later calls fail at once, on the calling thread.
// - Failures come back as BackendResponse::failure and ::error, never as exceptions.
//   Whether the backend may have done the work (what a retry of a call that is not
//   idempotent must know):
//     kNone          a response came back: its status says (a 429 or 503 usually
//                    means the backend turned the request away);
//     kConnect,
//     kOverloaded    it did not: the request never reached the backend;
//     kTransport     it may have: the request was sent, or partly;
//     kTimeout,
//     kCancelled,
//     kShuttingDown  it may have if the call was in flight, not if it was still delayed
//                    or waiting for a connection. A timeout's error tells which: "timed
//                    out after N ms ..." (never sent: waiting for a free connection,
//                    before it was sent, may not start) or "no first byte within N ms",
//                    "no complete response within N ms" (in flight).
//   BackendResponse::retry_after carries a response's Retry-After (429, 503) as a delay.
// - https:// URLs speak TLS (see http::ClientConnection): the backend's certificate and
//   name are verified against the system trust store (OpenSSL's SSL_CERT_FILE and
//   SSL_CERT_DIR environment variables point it elsewhere, e.g. at a private CA); the
//   connections resume their sessions when they reconnect. A TLS failure is kConnect:
//   nothing was sent.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/client_connection.h"
#include "net/event_loop.h"
#include "net/socket.h"
#include "net/tls_context.h"
#include "serve/backend/cancel_signal.h"

namespace ragscale::serve {

struct BackendUrl {
  std::string host;
  uint16_t port = 80;  // 443 for https
  std::string base_path;  // without a trailing slash, e.g. "" or "/openai"
  bool tls = false;  // https://
};

// Throws std::invalid_argument naming the URL for anything but http[s]://host[:port][/path].
BackendUrl parse_backend_url(std::string_view url);

// A Retry-After value (RFC 9110 10.2.3): delta-seconds, or an HTTP-date (IMF-fixdate,
// RFC 850 or asctime form) taken relative to `now` (zero once passed). None when it is
// neither. Delta-seconds past 2^31 count as 2^31 (RFC 9111 1.2.2).
std::optional<std::chrono::milliseconds> parse_retry_after(std::string_view value,
                                                           std::chrono::system_clock::time_point now);

// Why a call has no response; the contract above says which may have reached the backend.
enum class BackendFailure {
  kNone,          // an HTTP response came back (its status may still be an error)
  kTransport,     // reset, closed or unparsable after the request was sent
  kTimeout,       // the deadline (or the first-byte limit) passed, waiting or in flight
  kOverloaded,    // the waiting queue was full
  kCancelled,     // the caller cancelled
  kShuttingDown,  // the client shut down first
  kConnect,       // no connection: refused, unreachable or the connect timeout; never processed
};

std::string_view to_string(BackendFailure failure);

struct BackendResponse {
  int status = 0;
  std::string body;
  std::string error;  // why there is no response; empty when an HTTP response came back
  BackendFailure failure = BackendFailure::kNone;
  // The response's Retry-After header as a delay from its arrival (an HTTP-date in the
  // past is zero); none when absent or unreadable.
  std::optional<std::chrono::milliseconds> retry_after;
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
  static BackendResponse failed(BackendFailure failure, std::string error) {
    BackendResponse response;
    response.failure = failure;
    response.error = std::move(error);
    return response;
  }
};

class BackendClient {
 public:
  static constexpr size_t kDefaultMaxWaiting = 256;

  BackendClient(BackendUrl url, std::string api_key, size_t max_connections,
                size_t max_waiting = kDefaultMaxWaiting);
  ~BackendClient();
  BackendClient(const BackendClient&) = delete;
  BackendClient& operator=(const BackendClient&) = delete;

  // POSTs a JSON body to base_path + path. `on_body_piece`, if given, sees the body as
  // it arrives (a streamed response), on the client's loop thread: it must be quick and
  // must not call back into this client.
  BackendResponse post_json(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                            std::function<void(std::string_view)> on_body_piece = {});

  // The limits and start time of one call (see the contract).
  struct CallOptions {
    std::chrono::milliseconds timeout{30000};           // the whole call, from the moment it is made
    std::chrono::milliseconds connect_timeout{0};       // establishing a new connection; 0 = timeout only
    std::chrono::milliseconds first_byte_timeout{0};    // request sent -> first response byte; 0 = timeout only
    net::TimePoint not_before{};                        // send no earlier than this (retry backoff)
  };

  // The same without waiting: `on_done` gets the response (see the contract for the
  // thread). It must be quick: hand anything heavy to a worker pool.
  using Completion = std::function<void(BackendResponse)>;
  void post_json_async(std::string_view path, std::string body, const CallOptions& options,
                       std::function<void(std::string_view)> on_body_piece, Completion on_done,
                       std::shared_ptr<CancelSignal> cancel = nullptr);
  // With only a timeout: post_json_async(path, body, CallOptions{timeout}, ...).
  void post_json_async(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                       std::function<void(std::string_view)> on_body_piece, Completion on_done,
                       std::shared_ptr<CancelSignal> cancel = nullptr);

  void shutdown();

  const BackendUrl& url() const { return url_; }
  // Calls accepted and not completed yet: in flight plus waiting.
  size_t pending() const { return pending_.load(std::memory_order_relaxed); }
  // Calls sent on a connection and not answered yet (at most max_connections).
  size_t in_flight() const { return in_flight_.load(std::memory_order_relaxed); }

 private:
  struct Call;
  struct Slot;
  // Posts to the loop unless the client has shut down (then returns false): every task
  // posted through it runs before the loop stops.
  struct Mailbox;
  void start_on_loop(const std::shared_ptr<Call>& call);
  void begin_on_loop(const std::shared_ptr<Call>& call);
  void on_call_timer(Call* call);
  void send_on_loop(Slot* slot, const std::shared_ptr<Call>& call);
  void release_on_loop(Slot* slot);
  void cancel_on_loop(const std::shared_ptr<Call>& call);
  void complete_on_loop(const std::shared_ptr<Call>& call, BackendResponse response);
  void shutdown_on_loop();

  BackendUrl url_;
  std::string api_key_;
  size_t max_connections_;
  size_t max_waiting_;
  net::SocketAddress address_;
  std::unique_ptr<net::TlsContext> tls_;  // https only
  net::EventLoop loop_;
  std::shared_ptr<Mailbox> mailbox_;
  std::atomic<size_t> pending_{0};
  std::atomic<size_t> in_flight_{0};
  std::thread thread_;
  // Loop thread only:
  bool shut_down_ = false;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> idle_;
  std::list<std::shared_ptr<Call>> waiting_;
  std::list<std::shared_ptr<Call>> delayed_;  // before their not_before, in no order
};

}  // namespace ragscale::serve
