// HttpServer: an HTTP/1.1 server on one or more event-loop threads (one SO_REUSEPORT
// listener per thread, so no locks between threads). A request is handed to the
// handler on the loop thread that owns its connection, with a Responder the handler can
// answer through at once or later (after a timer or a worker pool's result is posted
// back to that loop), as one response or as a stream (chunked; Server-Sent Events).
//
// Everything is bounded: the head size, the body size (per request, decided from its
// head), the number of connections, the time to receive a head and a body, the idle
// time between requests, and the output a slow reader may leave unread.
// Requests on one connection are answered in order; a pipelined request waits until
// the previous one is answered.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "http/message.h"
#include "http/parser.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace ragscale::http {

struct ServerLimits {
  size_t max_head_bytes = 16 * 1024;
  size_t max_body_bytes = 64 * 1024;  // default; see HttpServer::Options::body_limit
  size_t max_connections = 10000;
  size_t max_unsent_bytes = 8 * 1024 * 1024;  // a reader this far behind is dropped
  std::chrono::milliseconds head_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds idle_timeout{60000};
};

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
    // The largest body accepted for a request with this head (e.g. 100 MB for uploads);
    // null means limits.max_body_bytes.
    std::function<size_t(const MessageHead&)> body_limit;
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
  // The loops, e.g. for posting work or arming timers on them.
  std::vector<net::EventLoop*> loops() const;

 private:
  friend class ServerConnection;
  struct Worker;

  Options options_;
  RequestHandler handler_;
  uint16_t port_ = 0;
  std::vector<std::unique_ptr<Worker>> workers_;
  std::atomic<size_t> connections_{0};
  std::atomic<size_t> in_flight_{0};
  bool started_ = false;
  bool stopped_ = false;
};

}  // namespace ragscale::http
