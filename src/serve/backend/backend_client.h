// BackendClient: calls to one HTTP/1.1 backend (an OpenAI-compatible server: vLLM, TEI,
// llama.cpp, Ollama, OpenAI behind a plain-HTTP proxy, ragscale sim) over the network
// core's ClientConnection, on the client's own event-loop thread, with a pool of
// keep-alive connections and a deadline per call.
//
// Contract:
// - post_json_async() may be called from any thread and returns at once. Its completion
//   runs exactly once: on the client's loop thread, or at once on the calling thread
//   when the call is refused up front (queue full, client shut down). Waiting on a slow
//   model costs no thread.
// - post_json() is for worker threads: it blocks the calling thread (never an event loop)
//   until the response, a failure or the deadline.
// - A call's timeout runs from the moment it is made, waiting for a connection included.
// - At most max_connections requests are in flight and at most max_waiting more wait
//   their turn (first come, first served); past that a call fails at once with
//   BackendFailure::kOverloaded.
// - A CancelSignal given with a call ends it early: a waiting call leaves the queue, an
//   in-flight one has its connection closed (the backend sees its client go away); it
//   completes with kCancelled.
// - shutdown() (also run by the destructor) completes every waiting and in-flight call
//   with kShuttingDown on the loop thread, then stops and joins that thread; later calls
//   fail at once, on the calling thread.
// - Failures come back as BackendResponse::failure and ::error, never as exceptions.
// - Only http:// URLs are supported (the network core speaks plain TCP).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/client_connection.h"
#include "net/event_loop.h"
#include "net/socket.h"
#include "serve/backend/cancel_signal.h"

namespace ragscale::serve {

struct BackendUrl {
  std::string host;
  uint16_t port = 80;
  std::string base_path;  // without a trailing slash, e.g. "" or "/openai"
};

// Throws std::invalid_argument naming the URL for anything but http://host[:port][/path].
BackendUrl parse_backend_url(std::string_view url);

enum class BackendFailure {
  kNone,          // an HTTP response came back (its status may still be an error)
  kTransport,     // refused, reset, unparsable
  kTimeout,       // the deadline passed, waiting or in flight
  kOverloaded,    // the waiting queue was full
  kCancelled,     // the caller cancelled
  kShuttingDown,  // the client shut down first
};

struct BackendResponse {
  int status = 0;
  std::string body;
  std::string error;  // why there is no response; empty when an HTTP response came back
  BackendFailure failure = BackendFailure::kNone;
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

  // The same without waiting: `on_done` gets the response (see the contract for the
  // thread). It must be quick: hand anything heavy to a worker pool.
  using Completion = std::function<void(BackendResponse)>;
  void post_json_async(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                       std::function<void(std::string_view)> on_body_piece, Completion on_done,
                       std::shared_ptr<CancelSignal> cancel = nullptr);

  void shutdown();

  const BackendUrl& url() const { return url_; }
  // Calls accepted and not completed yet: in flight plus waiting.
  size_t pending() const { return pending_.load(std::memory_order_relaxed); }

 private:
  struct Call;
  struct Slot;
  // Posts to the loop unless the client has shut down (then returns false): every task
  // posted through it runs before the loop stops.
  struct Mailbox;
  void start_on_loop(const std::shared_ptr<Call>& call);
  void send_on_loop(Slot* slot, const std::shared_ptr<Call>& call);
  void release_on_loop(Slot* slot);
  void expire_on_loop(Call* call);
  void cancel_on_loop(const std::shared_ptr<Call>& call);
  void complete_on_loop(const std::shared_ptr<Call>& call, BackendResponse response);
  void shutdown_on_loop();

  BackendUrl url_;
  std::string api_key_;
  size_t max_connections_;
  size_t max_waiting_;
  net::SocketAddress address_;
  net::EventLoop loop_;
  std::shared_ptr<Mailbox> mailbox_;
  std::atomic<size_t> pending_{0};
  std::thread thread_;
  // Loop thread only:
  bool shut_down_ = false;
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> idle_;
  std::list<std::shared_ptr<Call>> waiting_;
};

}  // namespace ragscale::serve
