#include "serve/api/rag_service.h"

#include <algorithm>
#include <cstdio>
#include <filesystem>

#include "serve/api/document_routes.h"
#include "serve/api/request_router.h"
#include "serve/api/service_context.h"
#include "serve/backend/openai_embedder.h"
#include "serve/embed/hashing_embedder.h"
#include "serve/query/cache_warmer.h"
#include "serve/storage/change_feed.h"
#include "serve/storage/store_factory.h"

namespace ragscale::serve {
namespace {

using Clock = std::chrono::steady_clock;

// How often each replica reads the shared index generation: another replica's upload
// makes this one's cached answers misses within about this long.
constexpr std::chrono::milliseconds kSharedGenerationRefresh{100};
// The largest answer kept in the shared cache (answers are a few kB; this bounds a
// pathological one).
constexpr size_t kMaxSharedValueBytes = 1024 * 1024;

resilience::CircuitBreakerOptions breaker_options(const ServeConfig& config, std::chrono::milliseconds timeout) {
  resilience::CircuitBreakerOptions options;
  options.window = std::max(std::chrono::seconds(1),
                            std::chrono::duration_cast<std::chrono::seconds>(config.breaker_window));
  options.minimum_calls = config.breaker_min_calls;
  options.failure_rate_threshold = config.breaker_failure_rate;
  options.slow_call_rate_threshold = config.breaker_slow_rate;
  options.slow_call_threshold = config.breaker_slow_call.count() > 0 ? config.breaker_slow_call : timeout;
  options.consecutive_failures = config.breaker_consecutive;
  options.open_wait = config.breaker_open_wait;
  options.half_open_probes = config.breaker_probes;
  return options;
}

resilience::ConcurrencyLimitOptions limit_options(size_t min_limit, size_t initial_limit, size_t max_limit) {
  resilience::ConcurrencyLimitOptions options;
  options.min_limit = min_limit;
  options.max_limit = std::max(max_limit, min_limit);
  options.initial_limit = std::clamp(initial_limit, options.min_limit, options.max_limit);
  return options;
}

}  // namespace

struct RagService::State {
  explicit State(ServeConfig config) : context(std::move(config)), router(context) {}

  ServiceContext context;
  RequestRouter router;
  std::unique_ptr<CacheWarmer> warmer;
  std::thread startup;
  bool shut_down = false;

  std::string index_path() const { return (std::filesystem::path(context.config.data_dir) / "dense.hnsw").string(); }

  // Opens the backends and wires the query path's stages and their guards.
  void build_query_path() {
    auto& c = context;
    const auto& config = c.config;
    // Embedding uploads blocks a worker thread per call, so one connection per worker
    // suffices; query-time embeddings are batched onto the same connections.
    size_t embed_connections = static_cast<size_t>(config.workers) + 4;
    OpenAiEmbedder* remote = nullptr;
    try {
      if (config.embedder == "openai") {
        c.embed_client = std::make_unique<BackendClient>(parse_backend_url(config.embed_url), config.embed_key,
                                                         embed_connections);
        auto embedder = std::make_unique<OpenAiEmbedder>(*c.embed_client, config.embed_model, config.embed_batch,
                                                         config.embed_timeout);
        remote = embedder.get();
        c.embedder = std::move(embedder);
      } else {
        c.embedder = std::make_unique<HashingEmbedder>(config.embed_dimension);
      }
      if (!config.llm_url.empty()) {
        // Generations wait on the model, not on our CPU: many can be in flight at once.
        c.llm_client = std::make_unique<BackendClient>(parse_backend_url(config.llm_url), config.llm_key,
                                                       config.llm_connections, config.llm_queue);
        c.generator = std::make_unique<ChatGenerator>(*c.llm_client, config.llm_model, config.llm_timeout);
      }
    } catch (const std::invalid_argument& e) {
      throw std::runtime_error(e.what());
    }
    if (c.generator) {
      c.llm_breaker = std::make_unique<resilience::CircuitBreaker>(breaker_options(config, config.llm_timeout));
      c.llm_retry_budget = std::make_unique<resilience::RetryBudget>(config.retry_budget);
      GenerationStage::Options options;
      options.connect_timeout = config.llm_connect_timeout;
      options.first_token_timeout = config.llm_first_token_timeout;
      options.max_attempts = static_cast<int>(config.llm_retries) + 1;
      ModelAdmission::Options admission;
      admission.max_wait = config.llm_max_wait;
      admission.max_waiting = std::max<size_t>(config.llm_queue, 1);
      admission.limit = limit_options(config.llm_limit_min, config.llm_limit_initial, config.llm_connections);
      c.model_admission = std::make_unique<ModelAdmission>(admission, c.pipeline_metrics);
      c.model = std::make_unique<GenerationStage>(*c.generator, *c.llm_breaker, *c.llm_retry_budget, options,
                                                  c.pipeline_metrics, c.model_admission.get());
    }
    OverloadControl::Options overload;
    // The worker stage starts wide open: a burst of cheap questions is not overload; the
    // limit comes down only when their latency shows queueing.
    overload.limit = limit_options(config.workers_limit_min, config.workers_limit, config.workers_limit);
    overload.ladder.down_queue_delay_seconds = config.ladder_queue_delay;
    overload.ladder.up_queue_delay_seconds = config.ladder_queue_delay / 2;
    overload.ladder.down_shed_rate = config.ladder_shed_rate;
    overload.ladder.up_shed_rate = config.ladder_shed_rate / 2;
    overload.ladder.down_hold = config.ladder_down_hold;
    overload.ladder.up_hold = config.ladder_up_hold;
    overload.ladder.on_change = [](resilience::ServiceMode from, resilience::ServiceMode to) {
      std::fprintf(stderr, "ragscale serve: service mode %s -> %s\n", resilience::service_mode_name(from),
                   resilience::service_mode_name(to));
    };
    std::function<bool()> breaker_open;
    if (c.llm_breaker) {
      breaker_open = [&c] { return c.llm_breaker->state(Clock::now()) == resilience::CircuitState::kOpen; };
    }
    c.overload = std::make_unique<OverloadControl>(overload, std::move(breaker_open), c.pipeline_metrics);
    if (remote) {
      c.embed_breaker = std::make_unique<resilience::CircuitBreaker>(breaker_options(config, config.embed_timeout));
      QueryEmbedder::Options options;
      options.max_batch = config.embed_batch_max;
      options.max_delay = config.embed_batch_delay;
      options.max_in_flight = config.embed_max_in_flight;
      options.timeout = config.embed_timeout;
      options.cache_entries = config.embed_cache_entries;
      c.query_embedder = std::make_unique<QueryEmbedder>(*remote, *c.embed_breaker, options, c.pipeline_metrics);
    }
  }

  // --cache: the Redis shared by the replicas. Connecting goes on in the background: until
  // Redis answers the service runs on its in-process cache and local rate limits.
  void connect_shared_cache() {
    auto& c = context;
    redis::RedisClient::Options options;
    options.url = redis::parse_redis_url(c.config.cache);
    options.command_timeout = c.config.cache_timeout;
    c.redis = std::make_unique<redis::RedisClient>(options);
    // Another replica's upload or delete: this one's cached answers are of an older generation.
    c.shared_generation = std::make_unique<SharedGeneration>(*c.redis, kSharedGenerationRefresh,
                                                             [&c] { c.generation.fetch_add(1); });
    SharedCache::Options cache;
    cache.ttl = c.config.cache_ttl;
    cache.max_value_bytes = std::min<size_t>(c.config.cache_bytes, kMaxSharedValueBytes);
    c.shared_cache = std::make_unique<SharedCache>(*c.redis, cache);
    c.rate_limits.share(*c.redis);
  }

  void load_index() {
    auto& c = context;
    try {
      ChangeFeed* feed = c.store->change_feed();
      // Recorded before the index is built: a change committed meanwhile is applied
      // again by the follower, which is harmless, rather than missed.
      int64_t feed_start = feed ? feed->latest_seq() : 0;
      size_t chunks = 0;
      bool loaded = c.store->keeps_saved_index() && c.index->load(index_path(), index_signature(*c.store, *c.embedder));
      if (loaded) {
        chunks = c.index->size();
      } else {
        chunks = c.ingestor->rebuild_index();
      }
      std::fprintf(stderr, "ragscale serve: dense index %s with %zu chunks\n",
                   loaded ? "loaded from its saved file" : "rebuilt from storage", chunks);
      if (c.follower) c.follower->start(feed_start);
      auto jobs = c.store->unfinished_jobs();
      if (!jobs.empty()) std::fprintf(stderr, "ragscale serve: resuming ingestion of %zu documents\n", jobs.size());
      for (int64_t id : jobs) schedule_ingestion(c, id);
      c.generation.fetch_add(1);
      c.ready.store(true);
      if (!c.config.load_dir.empty()) load_folder(c, c.config.load_dir);
    } catch (const std::exception& e) {
      c.startup_error = e.what();
      c.startup_failed.store(true);
      std::fprintf(stderr, "ragscale serve: startup failed: %s\n", e.what());
    }
  }
};

RagService::RagService(ServeConfig config) : state_(std::make_unique<State>(std::move(config))) {}

RagService::~RagService() { shutdown(); }

void RagService::start() {
  auto& s = *state_;
  auto& c = s.context;
  const auto& config = c.config;
  c.store = open_document_store(config);
  s.build_query_path();
  c.index = std::make_unique<DenseIndex>(c.embedder->dimension(),
                                         HnswOptions{config.hnsw_m, config.hnsw_ef_construction, config.hnsw_ef_search});
  c.retriever = std::make_unique<HybridRetriever>(*c.store, *c.index, *c.embedder, config.candidates, config.rrf_k);
  c.ingestor = std::make_unique<Ingestor>(*c.store, *c.index, *c.embedder,
                                          ChunkerOptions{config.chunk_size, config.chunk_overlap}, config.embed_batch,
                                          [&c] { c.index_changed(); });
  if (ChangeFeed* feed = c.store->change_feed()) {
    c.follower = std::make_unique<ChangeFollower>(*feed, *c.ingestor, config.store_poll);
  }
  c.workers = std::make_unique<WorkerPool>(static_cast<size_t>(config.workers), config.max_queued_tasks, "worker");
  c.ingestion = std::make_unique<WorkerPool>(1, 10'000'000, "ingestion");

  if (!config.cache.empty()) s.connect_shared_cache();
  PipelineParts parts{c.cache, *c.retriever, *c.workers, c.generation, c.pipeline_metrics};
  parts.model = c.model.get();
  parts.query_embedder = c.query_embedder.get();
  parts.generator_name = c.generator ? "chat:" + c.generator->model() : std::string("extractive");
  parts.model_deadline = config.llm_timeout;
  parts.retrieval_cache_entries = config.retrieval_cache_entries;
  parts.overload = c.overload.get();
  parts.fallback = config.fallback;
  parts.reduced_sources = config.reduced_sources;
  parts.reduced_max_tokens = config.reduced_max_tokens;
  parts.shared = c.shared_cache.get();
  parts.shared_generation = c.shared_generation.get();
  c.pipeline = std::make_unique<QueryPipeline>(std::move(parts));

  http::HttpServer::Options options;
  options.host = config.host;
  options.port = config.port;
  options.threads = config.io_threads;
  options.limits.max_body_bytes = config.max_body_bytes;
  options.limits.max_connections = config.max_connections;
  options.limits.head_timeout = config.header_timeout;
  options.limits.body_timeout = config.body_timeout;
  options.limits.idle_timeout = config.idle_timeout;
  options.limits.max_body_bytes_in_flight = config.max_body_bytes_in_flight;
  // Authentication, routing and the body limit are decided on the head, before any
  // body byte is read.
  options.on_head = [&s](const http::MessageHead& head) { return s.router.judge_head(head); };
  c.server = std::make_unique<http::HttpServer>(options, [&s](http::Request& request, http::Responder responder) {
    s.router.handle(request, std::move(responder));
  });
  c.server->start();
  for (auto* loop : c.server->loops()) {
    c.departures.emplace(loop, std::make_unique<DepartureWatch>(*loop, std::chrono::milliseconds(250)));
  }
  s.startup = std::thread([&s] { s.load_index(); });
  if (!config.warm_file.empty()) {
    s.warmer = std::make_unique<CacheWarmer>(*c.pipeline, read_warm_file(config.warm_file), config.warm_rate, c.ready);
    s.warmer->start();
  }
}

uint16_t RagService::port() const { return state_->context.server ? state_->context.server->port() : 0; }

// Ordered so that nothing posts to a destroyed event loop or uses a freed stage: the
// server stops (its loops stay allocated), the warmer and the embedding batcher stop,
// model calls still pending end ("shutting down"; their answers posted to stopped loops
// are dropped), the workers drain, and only then are the loops freed.
void RagService::shutdown() {
  auto& s = *state_;
  auto& c = s.context;
  if (s.shut_down) return;
  s.shut_down = true;
  c.stopping.store(true);
  if (s.warmer) s.warmer->stop();
  if (c.server) c.server->shutdown(c.config.shutdown_grace);
  c.departures.clear();  // their loops have stopped
  if (s.startup.joinable()) s.startup.join();
  if (c.query_embedder) c.query_embedder->shutdown();
  if (c.model_admission) c.model_admission->shutdown();
  if (c.llm_client) c.llm_client->shutdown();
  if (c.embed_client) c.embed_client->shutdown();
  if (c.workers) c.workers->shutdown();
  if (c.ingestion) c.ingestion->shutdown();
  if (c.follower) c.follower->stop();
  // After everything that might still ask Redis (ingestion and the change feed bump the
  // shared generation); the client stops first, then what its completions refer to.
  if (c.redis) c.redis->shutdown();
  c.shared_cache.reset();
  c.shared_generation.reset();
  if (c.index && c.store && c.ready.load() && c.store->keeps_saved_index()) {
    try {
      c.index->save(s.index_path(), index_signature(*c.store, *c.embedder));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ragscale serve: could not save the dense index (it will be rebuilt): %s\n", e.what());
    }
  }
  c.server.reset();
  c.follower.reset();
  c.store.reset();
}

}  // namespace ragscale::serve
