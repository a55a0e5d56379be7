// QueryEmbedder: embeds questions at query time when the embedder is a remote backend.
// Recent questions come from an LRU of their vectors; the rest are batched across
// concurrent requests (up to max_batch questions, waiting at most max_delay for more)
// into one embeddings request, guarded by the embedder's circuit breaker.
//
// Why a bound on requests in flight: a fixed delay alone sends a batch per window, so
// questions that trickle in (one every millisecond or two) still make one request each
// window. While max_in_flight requests are out, a partial batch keeps gathering instead
// of going, and leaves when one comes back: batches grow with the backend's latency,
// the way a GPU server's dynamic batcher queues while the model is busy. A full batch
// goes at once regardless, so throughput is never held back by the bound.
//
// Contract:
// - embed() returns at once; `done` runs exactly once with the vector, or with none and
//   the reason (breaker open, backend failure, shutting down) so retrieval falls back to
//   keywords alone. It runs on the calling thread for a cached vector or a refusal, else
//   on the backend client's loop thread: it must be quick (hand work to a pool).
// - A partial batch waits for max_delay from its first question and, past it, for fewer
//   than max_in_flight requests to be out; a full batch goes at once. One thread drives the batches; shutdown() ends it and answers every question
//   still waiting with "shutting down".
// - Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "serve/backend/openai_embedder.h"
#include "serve/cache/lru_cache.h"
#include "serve/query/pipeline_metrics.h"
#include "serve/resilience/circuit_breaker.h"
#include "serve/resilience/micro_batcher.h"

namespace ragscale::serve {

class QueryEmbedder {
 public:
  using Clock = std::chrono::steady_clock;
  using Done = std::function<void(std::optional<Embedding> vector, std::string error)>;

  struct Options {
    size_t max_batch = 32;
    std::chrono::microseconds max_delay{2000};
    size_t max_in_flight = 2;  // embeddings requests out before partial batches wait (0: no bound)
    std::chrono::milliseconds timeout{30000};
    size_t cache_entries = 10000;
  };

  QueryEmbedder(OpenAiEmbedder& embedder, resilience::CircuitBreaker& breaker, Options options,
                PipelineMetrics& metrics);
  ~QueryEmbedder();
  QueryEmbedder(const QueryEmbedder&) = delete;
  QueryEmbedder& operator=(const QueryEmbedder&) = delete;

  void embed(const std::string& text, Done done);
  void shutdown();

  const LruCache<Embedding>& cache() const { return cache_; }

 private:
  struct Pending {
    std::string text;
    std::string key;
    Done done;
  };
  void run();
  void send(std::vector<Pending> batch);
  void request_done();
  bool may_send_partial() const;  // with mutex_ held

  OpenAiEmbedder& embedder_;
  resilience::CircuitBreaker& breaker_;
  Options options_;
  PipelineMetrics& metrics_;
  LruCache<Embedding> cache_;
  std::mutex mutex_;
  std::condition_variable wake_;
  resilience::MicroBatcher<Pending> batcher_;
  size_t in_flight_ = 0;  // embeddings requests sent and not yet answered
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ragscale::serve
