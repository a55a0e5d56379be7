// ServiceContext: the parts of `ragscale serve` that its routes share — settings,
// auth, rate limits, caches, metrics, storage, retrieval, the query pipeline, the worker pools and
// the lifecycle flags — and the few helpers every route uses to answer.
//
// Contract: RagService builds and owns it (rag_service.cpp), wiring the parts in
// start() and tearing them down in shutdown(); the routes only use them. finish() and
// offload() are called on the loop thread of the request's connection.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <unordered_map>

#include "http/server.h"
#include "serve/api/authenticator.h"
#include "serve/api/departure_watch.h"
#include "serve/api/rate_limits.h"
#include "serve/api/reply.h"
#include "serve/api/routes.h"
#include "serve/api/service_metrics.h"
#include "serve/backend/backend_client.h"
#include "serve/backend/chat_generator.h"
#include "redis/redis_client.h"
#include "serve/cache/query_cache.h"
#include "serve/cache/shared_cache.h"
#include "serve/cache/shared_generation.h"
#include "serve/config/serve_config.h"
#include "serve/embed/embedder.h"
#include "serve/ingest/change_follower.h"
#include "serve/ingest/ingestor.h"
#include "serve/query/pipeline_metrics.h"
#include "serve/query/generation_stage.h"
#include "serve/query/model_admission.h"
#include "serve/query/overload_control.h"
#include "serve/query/query_embedder.h"
#include "serve/query/query_pipeline.h"
#include "serve/resilience/circuit_breaker.h"
#include "serve/resilience/retry_budget.h"
#include "serve/retrieval/dense_index.h"
#include "serve/retrieval/hybrid_retriever.h"
#include "serve/storage/document_store.h"
#include "serve/worker_pool.h"

namespace ragscale::serve {

struct ServiceContext {
  using Clock = std::chrono::steady_clock;

  explicit ServiceContext(ServeConfig c);

  ServeConfig config;
  Authenticator auth;
  RateLimits rate_limits;
  QueryCache cache;
  // With --cache: the Redis connection and what is shared through it (else all null).
  std::unique_ptr<redis::RedisClient> redis;
  std::unique_ptr<SharedGeneration> shared_generation;
  std::unique_ptr<SharedCache> shared_cache;
  ServiceMetrics metrics;
  PipelineMetrics pipeline_metrics;
  std::unique_ptr<DocumentStore> store;
  std::unique_ptr<BackendClient> embed_client;
  std::unique_ptr<BackendClient> llm_client;
  std::unique_ptr<ChatGenerator> generator;  // null: the extractive generator
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<DenseIndex> index;
  std::unique_ptr<HybridRetriever> retriever;
  std::unique_ptr<Ingestor> ingestor;
  std::unique_ptr<ChangeFollower> follower;  // with a shared store only
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<WorkerPool> ingestion;
  // The guards of the model backends (see src/serve/resilience) and the stages they guard.
  std::unique_ptr<resilience::CircuitBreaker> llm_breaker;
  std::unique_ptr<resilience::CircuitBreaker> embed_breaker;
  std::unique_ptr<resilience::RetryBudget> llm_retry_budget;
  std::unique_ptr<ModelAdmission> model_admission;  // with a chat backend only
  std::unique_ptr<GenerationStage> model;
  std::unique_ptr<OverloadControl> overload;
  std::unique_ptr<QueryEmbedder> query_embedder;  // with an embedder backend only
  std::unique_ptr<QueryPipeline> pipeline;
  std::unique_ptr<http::HttpServer> server;
  std::unordered_map<net::EventLoop*, std::unique_ptr<DepartureWatch>> departures;  // one per server loop
  std::atomic<bool> ready{false};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> generation{0};
  std::atomic<uint64_t> ingestion_pending{0};
  // Written once by the startup thread before startup_failed is set; read only after.
  std::string startup_error;
  std::atomic<bool> startup_failed{false};

  // Records the request's metrics and sends the reply.
  void finish(http::Responder& responder, Route route, Clock::time_point start, Reply reply);
  // Runs `work` on the worker pool and sends its reply from the connection's loop; an
  // ApiError becomes its status, anything else a 500; a full queue a 503.
  void offload(http::Responder responder, Route route, Clock::time_point start, std::function<Reply()> work);
  // The index changed (an upload, a delete, a document indexed): cached answers of
  // earlier generations become misses here and, with a shared cache, on every replica.
  void index_changed();
  // Throws ApiError 503 while starting, after a failed start, or while stopping.
  void require_ready() const;
  // Throws ApiError 400 for a question past max_question_chars.
  void check_question(const std::string& question) const;
  ServiceGauges gauges() const;
  // Each backend's breaker as /metrics and /ready show it.
  std::vector<BreakerReading> breakers() const;
};

}  // namespace ragscale::serve
