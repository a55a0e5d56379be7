// SimServer: the OpenAI-compatible simulator on the project's HTTP server, one event-loop
// thread. Routes:
//   POST /v1/chat/completions, POST /v1/completions   (streamed with "stream": true)
//   POST /v1/embeddings, GET /v1/models, GET /health, GET /metrics,
//   GET /admin/faults, POST /admin/faults
// (the /v1 prefix is optional). A request is parsed (400 on a bad body), checked against
// the caller's rate limits (429), then given the fault chosen for it (outage, error,
// timeout, reset, slow) and otherwise answered by a Generation or, for embeddings, after
// the embedding latency.
//
// Contract: start() binds and returns (throws std::runtime_error naming the address on
// failure); port() is the bound port. shutdown() stops accepting, answers queued
// requests with 503, resets the hung ones, lets the rest finish within
// config.shutdown_grace, then closes. Every method is called from one control thread.
#pragma once

#include <memory>

#include "http/server.h"
#include "sim/sim_config.h"
#include "sim/sim_state.h"

namespace ragscale::sim {

class SimServer {
 public:
  explicit SimServer(SimConfig config);
  ~SimServer();
  SimServer(const SimServer&) = delete;
  SimServer& operator=(const SimServer&) = delete;

  void start();
  uint16_t port() const;
  void shutdown();

  // Totals for the closing line.
  uint64_t requests_answered() const;
  uint64_t completion_tokens() const;

 private:
  void handle(http::Request& request, http::Responder responder);
  void handle_completion(http::Request& request, http::Responder responder, bool chat);
  // Shutdown, rate limits and faults, in that order. Returns false when the request has
  // been answered (or deliberately left hanging); otherwise `headers` hold the rate-limit
  // headers for the answer and `fault` what is left to inject (reset, slow).
  bool admit(const http::Request& request, http::Responder& responder, std::string_view endpoint,
             std::string_view model, uint64_t tokens, net::TimePoint arrived, http::Headers& headers,
             FaultDecision& fault);
  void handle_embeddings(http::Request& request, http::Responder responder);
  void handle_admin_faults(http::Request& request, http::Responder responder);
  void handle_metrics(http::Responder responder);
  void handle_health(http::Responder responder);

  // The HTTP server is declared first so it is destroyed last: the state's timers and
  // responders refer to its loop and connections.
  std::unique_ptr<http::HttpServer> http_;
  std::unique_ptr<SimState> state_;
  bool stopped_ = false;
};

}  // namespace ragscale::sim
