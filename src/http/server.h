// HttpServer: an HTTP/1.1 server on one or more event-loop threads (one SO_REUSEPORT
// listener per thread, so no locks between threads). A request is handed to the
// handler on the loop thread that owns its connection, with a Responder the handler can
// answer through at once or later (after a timer or a worker pool's result is posted
// back to that loop), as one response or as a stream (chunked; Server-Sent Events).
//
// Contract:
// - Parsing is strict (RFC 9112; see request_head.h and chunked_decoder.h): anything
//   that could let two parsers disagree on where a request ends (bare LF, obs-fold,
//   whitespace before a colon, Content-Length with Transfer-Encoding, differing
//   Content-Lengths, bad chunk framing, control characters), and an HTTP/1.1 request
//   without exactly one Host, is answered 400 and the connection closed; an expectation
//   other than 100-continue, 417. A head is limited as a whole (every byte to the blank line,
//   max_head_bytes) and in header count (max_header_count): 431.
// - A head is judged before any byte of its body is read: Options::on_head decides the
//   body limit or refuses the request (authentication, routing). A refused request, a
//   Content-Length over the limit (413) and a body that does not fit the server-wide
//   budget of bodies in flight (503 with Retry-After) are answered at once; when a body
//   was announced the connection then closes after a short lingering read, so the
//   client sees the answer rather than a reset. "Expect: 100-continue" gets
//   "100 Continue" once the head is accepted, or the final answer at once.
// - Memory per connection is bounded: the head (max_head_bytes), input pipelined
//   behind an unanswered request (max_head_bytes + 64 KB, then reading pauses), the
//   body (its limit, grown as bytes arrive, never reserved from Content-Length; all
//   bodies together within max_body_bytes_in_flight, counted from the head until the
//   answer is complete), and unsent output (max_unsent_bytes, then the reader is dropped).
// - Time is bounded in every state: head_timeout from a head's first byte (started only
//   once the previous answer is complete; empty lines between requests do not start
//   it), body_timeout for the body, idle_timeout between requests, write_timeout without
//   progress while output is pending (any state, streams included; every byte sent
//   restarts it), linger_timeout for the read after an early answer.
// - A client that resets or vanishes while its answer is pending is dropped at once
//   (Responder::alive() turns false); a client that half-closes still gets its answer.
// - HEAD gets the headers GET would get (Content-Length of the GET body), never a body.
// - Out of file descriptors (EMFILE/ENFILE), the listener sheds connections with a 503
//   through a reserved descriptor and never spins; over max_connections likewise.
// - Requests on one connection are answered in order; a pipelined request waits until
//   the previous one is answered.
// - Threads: the handler and on_head run on the loop threads (concurrently when
//   threads > 1); everything else in a connection stays on its loop's thread. The
//   counters and shutdown() are safe from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "http/message.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace ragscale::http {

struct ServerLimits {
  size_t max_head_bytes = 16 * 1024;  // the whole head: request line, headers, blank line
  size_t max_header_count = 100;
  size_t max_body_bytes = 64 * 1024;  // when Options::on_head is not set
  size_t max_body_bytes_in_flight = 256 * 1024 * 1024;  // all connections together
  size_t max_connections = 10000;
  size_t max_unsent_bytes = 8 * 1024 * 1024;  // a reader this far behind is dropped
  std::chrono::milliseconds head_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds idle_timeout{60000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds linger_timeout{2000};
};

// What to do with a request, decided from its head before its body is read.
struct HeadDecision {
  size_t body_limit = 0;           // the largest body accepted (413 past it)
  std::optional<Response> refuse;  // set: answer this at once; the body is not read
  // Added to whatever answers an accepted request (sent whole or streamed), so a policy
  // can state what it decided (e.g. rate-limit headers) without involving the handler.
  Headers response_headers;
};

using HeadPolicy = std::function<HeadDecision(const MessageHead& head)>;

class ServerConnection;

// Answers one request. Copyable; all copies refer to the same request. Use only on the
// loop thread that delivered the request (loop() gives it, for posting back).
// Calls after the client went away are ignored; alive() tells.
class Responder {
 public:
  Responder() = default;
  Responder(std::shared_ptr<ServerConnection> connection, uint64_t request_number);

  // A complete response. Content-Length is added.
  void send(Response response);
  void send(int status, std::string_view content_type, std::string body, const Headers& extra = {});

  // A streamed response (Transfer-Encoding: chunked). write() queues one chunk;
  // finish() ends the stream. write() returns false when the client is gone.
  void start_stream(int status, std::string_view content_type, const Headers& extra = {});
  bool write(std::string_view data);
  void finish();
  // Drops the connection without a proper end (e.g. to simulate a reset mid-stream).
  void abort();

  bool alive() const;
  net::EventLoop* loop() const;

 private:
  std::shared_ptr<ServerConnection> connection_;
  uint64_t request_number_ = 0;
};

using RequestHandler = std::function<void(Request& request, Responder responder)>;

class HttpServer {
 public:
  struct Options {
    std::string host = "127.0.0.1";
    uint16_t port = 0;  // 0 picks a free port (see port())
    int threads = 1;
    ServerLimits limits;
    // Judges each head (see HeadDecision). Null: every request is accepted with a body
    // limit of limits.max_body_bytes. An exception from it is answered 500.
    HeadPolicy on_head;
    std::string server_name = "ragscale";
  };

  HttpServer(Options options, RequestHandler handler);
  ~HttpServer();
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // Binds (throws std::runtime_error with a clear message if it cannot) and starts the
  // loop threads. Returns at once.
  void start();
  uint16_t port() const { return port_; }

  // Stops accepting, lets in-flight requests finish for up to `grace`, then closes
  // everything and joins the threads.
  void shutdown(std::chrono::milliseconds grace);

  size_t open_connections() const { return connections_.load(std::memory_order_relaxed); }
  size_t in_flight_requests() const { return in_flight_.load(std::memory_order_relaxed); }
  size_t body_bytes_in_flight() const { return body_bytes_in_flight_.load(std::memory_order_relaxed); }
  // The loops, e.g. for posting work or arming timers on them.
  std::vector<net::EventLoop*> loops() const;

 private:
  friend class ServerConnection;
  struct Worker;

  bool draining() const { return stopped_.load(std::memory_order_acquire); }
  // Counts `bytes` of request body against max_body_bytes_in_flight; false when they do
  // not fit (a body larger than the whole budget fits only when no other is in flight).
  bool charge_body_bytes(size_t bytes);
  void release_body_bytes(size_t bytes) { body_bytes_in_flight_.fetch_sub(bytes, std::memory_order_relaxed); }

  Options options_;
  RequestHandler handler_;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> in_flight_{0};
  std::atomic<size_t> body_bytes_in_flight_{0};
  bool started_ = false;  // owner thread only
  std::atomic<bool> stopped_{false};
};

}  // namespace ragscale::http
