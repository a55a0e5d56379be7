// RagService: the `ragscale serve` application — storage, ingestion, hybrid retrieval,
// generation, the query cache, auth and metrics — behind the project's HTTP server.
//
// Contract:
// - start() opens storage (failing fast with a clear message), starts listening, then
//   loads or rebuilds the dense index and resumes unfinished ingestion in the
//   background; /startup and /ready answer 503 until that is done.
// - Handlers run on the event-loop threads and only parse, authenticate and consult
//   the cache there; storage, chunking, embedding and retrieval run on a bounded worker
//   pool (503 when it is full) and ingestion on its own queue.
// - Every error is {"error":{"code","message"}} with the matching status; the service
//   keeps serving whatever a client sends.
// - shutdown() stops accepting, lets in-flight requests finish within the grace
//   period, then ends the model calls still pending ("shutting down"), drains the
//   workers, leaves queued ingestion in storage for the next start, saves the dense
//   index, closes storage, and only then frees the event loops (nothing is posted to a
//   freed loop).
// - A query whose client goes away (its connection drops) cancels its model call.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>

#include "http/server.h"
#include "serve/config/serve_config.h"

namespace ragscale::serve {

class RagService {
 public:
  explicit RagService(ServeConfig config);
  ~RagService();
  RagService(const RagService&) = delete;
  RagService& operator=(const RagService&) = delete;

  // Throws std::runtime_error (storage or bind failure) with a message for the operator.
  void start();
  uint16_t port() const;
  void shutdown();

 private:
  struct State;
  std::unique_ptr<State> state_;
};

}  // namespace ragscale::serve
