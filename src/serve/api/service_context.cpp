#include "serve/api/service_context.h"

#include "serve/api/api_error.h"

namespace ragscale::serve {

ServiceContext::ServiceContext(ServeConfig c)
    : config(std::move(c)),
      auth(config.api_keys, config.users, config.token_ttl),
      rate_limits(config.rate_limit, config.upload_rate_limit, config.route_rate_limits),
      cache(QueryCache::Limits{config.cache_entries, config.cache_bytes, config.cache_ttl, config.stale_grace}) {}

void ServiceContext::finish(http::Responder& responder, Route route, Clock::time_point start, Reply reply) {
  metrics.record(route_label(route), reply.status, std::chrono::duration<double>(Clock::now() - start).count());
  send_reply(responder, std::move(reply));
}

void ServiceContext::offload(http::Responder responder, Route route, Clock::time_point start,
                             std::function<Reply()> work) {
  net::EventLoop* loop = responder.loop();
  bool queued = workers->submit([this, responder, route, start, loop, work = std::move(work)]() mutable {
    Reply reply;
    try {
      reply = work();
    } catch (const ApiError& e) {
      reply = error_reply(e.status(), e.what());
    } catch (const StoreUnavailable& e) {
      reply = busy_reply(std::string("document store unavailable: ") + e.what());
    } catch (const std::exception& e) {
      reply = error_reply(500, std::string("internal error: ") + e.what());
    }
    loop->post([this, responder, route, start, reply = std::move(reply)]() mutable {
      finish(responder, route, start, std::move(reply));
    });
  });
  if (!queued) finish(responder, route, start, busy_reply("server busy: the work queue is full; retry shortly"));
}

void ServiceContext::require_ready() const {
  if (stopping.load()) throw ApiError(503, "server is shutting down");
  if (!ready.load()) {
    throw ApiError(503, startup_failed.load() ? "index failed to load: " + startup_error
                                              : "index is still loading; retry shortly");
  }
}

void ServiceContext::check_question(const std::string& question) const {
  if (question.size() > config.max_question_chars) {
    throw ApiError(400, "question is " + std::to_string(question.size()) + " bytes; the limit is " +
                            std::to_string(config.max_question_chars) + " (max_question_chars)");
  }
}

void ServiceContext::index_changed() {
  generation.fetch_add(1);
  if (shared_generation) shared_generation->bump();
}

ServiceGauges ServiceContext::gauges() const {
  ServiceGauges g;
  g.cache_hits = cache.hits();
  g.cache_misses = cache.misses();
  g.cache_entries = cache.entries();
  g.cache_bytes = cache.bytes();
  g.ingestion_queue = ingestion_pending.load();
  g.index_chunks = index ? index->size() : 0;
  g.index_generation = generation.load();
  if (follower) {
    g.shared_store = true;
    g.store_changes_applied = follower->applied();
    g.store_change_lag_seconds = follower->lag_seconds();
  }
  g.in_flight_requests = server ? server->in_flight_requests() : 0;
  g.open_connections = server ? server->open_connections() : 0;
  g.worker_queue = workers ? workers->pending() : 0;
  if (workers) {
    g.worker_threads = workers->threads();
    g.worker_threads_busy = workers->busy();
    g.worker_queue_wait = &workers->queue_wait();
  }
  if (llm_client) g.backends_in_flight.push_back({"llm", llm_client->in_flight()});
  if (embed_client) g.backends_in_flight.push_back({"embedder", embed_client->in_flight()});
  if (redis) {
    g.shared = SharedCacheGauges{};
    g.shared->redis_up = redis->up();
    g.shared->connections_lost = redis->connections_lost();
    g.shared->hits = shared_cache->hits();
    g.shared->misses = shared_cache->misses();
    g.shared->errors = shared_cache->errors();
    g.shared->too_large = shared_cache->too_large();
    g.shared->generation = shared_generation->current();
    g.shared->rate_limit_degraded = rate_limits.degraded();
  }
  g.failed_tasks = (workers ? workers->failed_tasks() : 0) + (ingestion ? ingestion->failed_tasks() : 0);
  return g;
}

std::vector<BreakerReading> ServiceContext::breakers() const {
  std::vector<BreakerReading> readings;
  auto now = Clock::now();
  auto read = [&](const char* backend, const std::unique_ptr<resilience::CircuitBreaker>& breaker) {
    if (!breaker) return;
    auto state = breaker->state(now);
    BreakerReading reading;
    reading.backend = backend;
    reading.state = resilience::circuit_state_name(state);
    reading.value = state == resilience::CircuitState::kClosed ? 0 : state == resilience::CircuitState::kOpen ? 1 : 2;
    reading.opened_total = breaker->opened_total();
    readings.push_back(std::move(reading));
  };
  read("llm", llm_breaker);
  read("embedder", embed_breaker);
  return readings;
}

}  // namespace ragscale::serve
