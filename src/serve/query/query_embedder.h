// QueryEmbedder: embeds questions at query time when the embedder is a remote backend.
// Recent questions come from an LRU of their vectors; the rest are batched across
// concurrent requests (up to max_batch questions, waiting at most max_delay for more)
// into one embeddings request, guarded by the embedder's circuit breaker.
//
// Contract:
// - embed() returns at once; `done` runs exactly once with the vector, or with none and
//   the reason (breaker open, backend failure, shutting down) so retrieval falls back to
//   keywords alone. It runs on the calling thread for a cached vector or a refusal, else
//   on the backend client's loop thread: it must be quick (hand work to a pool).
// - A batch waits for at most max_delay from its first question; a full batch goes at
//   once. One thread drives the batches; shutdown() ends it and answers every question
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

  OpenAiEmbedder& embedder_;
  resilience::CircuitBreaker& breaker_;
  Options options_;
  PipelineMetrics& metrics_;
  LruCache<Embedding> cache_;
  std::mutex mutex_;
  std::condition_variable wake_;
  resilience::MicroBatcher<Pending> batcher_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace ragscale::serve
