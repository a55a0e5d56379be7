// BackendClient: calls to one HTTP/1.1 backend (an OpenAI-compatible server: vLLM, TEI,
// llama.cpp, Ollama, OpenAI behind a plain-HTTP proxy, ragscale sim) over the network
// core's ClientConnection, on the client's own event-loop thread, with a pool of
// keep-alive connections and a timeout per call.
//
// Contract:
// - post_json_async() may be called from any thread and returns at once; its completion
//   runs on the client's loop thread. Waiting on a slow model costs no thread.
// - post_json() is for worker threads: it blocks the calling thread (never an event loop)
//   until the response, a transport error or the timeout.
// - At most max_connections requests are in flight; later calls wait their turn.
// - Transport failures and timeouts come back as BackendResponse::error, never throw.
// - Only http:// URLs are supported (the network core speaks plain TCP).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "http/client_connection.h"
#include "net/event_loop.h"
#include "net/socket.h"

namespace ragscale::serve {

struct BackendUrl {
  std::string host;
  uint16_t port = 80;
  std::string base_path;  // without a trailing slash, e.g. "" or "/openai"
};

// Throws std::invalid_argument naming the URL for anything but http://host[:port][/path].
BackendUrl parse_backend_url(std::string_view url);

struct BackendResponse {
  int status = 0;
  std::string body;
  std::string error;  // transport failure or timeout; empty when an HTTP response came back
  bool ok() const { return error.empty() && status >= 200 && status < 300; }
};

class BackendClient {
 public:
  BackendClient(BackendUrl url, std::string api_key, size_t max_connections);
  ~BackendClient();
  BackendClient(const BackendClient&) = delete;
  BackendClient& operator=(const BackendClient&) = delete;

  // POSTs a JSON body to base_path + path. `on_body_piece`, if given, sees the body as
  // it arrives (a streamed response), on the client's loop thread: it must be quick and
  // must not call back into this client.
  BackendResponse post_json(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                            std::function<void(std::string_view)> on_body_piece = {});

  // The same without waiting: `on_done` gets the response on the client's loop thread
  // (exactly once, also when the client shuts down first). It must be quick: hand
  // anything heavy to a worker pool.
  using Completion = std::function<void(BackendResponse)>;
  void post_json_async(std::string_view path, std::string body, std::chrono::milliseconds timeout,
                       std::function<void(std::string_view)> on_body_piece, Completion on_done);

  const BackendUrl& url() const { return url_; }

 private:
  struct Call;
  struct Slot;
  void start_on_loop(std::shared_ptr<Call> call);
  void release_on_loop(Slot* slot);

  BackendUrl url_;
  std::string api_key_;
  size_t max_connections_;
  net::SocketAddress address_;
  net::EventLoop loop_;
  std::thread thread_;
  // Loop thread only:
  std::vector<std::unique_ptr<Slot>> slots_;
  std::vector<Slot*> idle_;
  std::deque<std::shared_ptr<Call>> waiting_;
};

}  // namespace ragscale::serve
