#include "serve/query/query_embedder.h"

#include "serve/cache/query_cache.h"

namespace ragscale::serve {
namespace {

constexpr const char* kBackend = "embedder";

}  // namespace

QueryEmbedder::QueryEmbedder(OpenAiEmbedder& embedder, resilience::CircuitBreaker& breaker, Options options,
                             PipelineMetrics& metrics)
    : embedder_(embedder),
      breaker_(breaker),
      options_(options),
      metrics_(metrics),
      cache_(options.cache_entries),
      batcher_(options.max_batch == 0 ? 1 : options.max_batch,
               std::chrono::duration_cast<Clock::duration>(options.max_delay)) {
  thread_ = std::thread([this] { run(); });
}

QueryEmbedder::~QueryEmbedder() { shutdown(); }

void QueryEmbedder::shutdown() {
  {
    std::lock_guard lock(mutex_);
    if (stopping_) return;
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void QueryEmbedder::embed(const std::string& text, Done done) {
  // Keyed like answers (normalized), without parameters or generation: a question's
  // vector does not change when documents do.
  std::string key = QueryCache::make_key(text, "embedding");
  if (auto cached = cache_.get(key)) {
    done(*cached, "");
    return;
  }
  std::optional<std::vector<Pending>> full;
  {
    std::unique_lock lock(mutex_);
    if (stopping_) {
      lock.unlock();
      done(std::nullopt, "shutting down");
      return;
    }
    full = batcher_.add(Pending{text, std::move(key), std::move(done)}, Clock::now());
    if (full) ++in_flight_;
  }
  if (full) {
    send(std::move(*full));
  } else {
    wake_.notify_one();
  }
}

void QueryEmbedder::run() {
  std::unique_lock lock(mutex_);
  for (;;) {
    if (stopping_) break;
    auto deadline = batcher_.deadline();
    if (deadline && Clock::now() >= *deadline && !may_send_partial()) {
      wake_.wait(lock);  // due, but the bound is reached: a request_done() wakes us
      continue;
    }
    if (auto due = batcher_.take_due(Clock::now())) {
      ++in_flight_;
      lock.unlock();
      send(std::move(*due));
      lock.lock();
      continue;
    }
    if (deadline) {
      wake_.wait_until(lock, *deadline);
    } else {
      wake_.wait(lock);
    }
  }
  // Questions still waiting are answered without a vector.
  auto left = batcher_.flush();
  lock.unlock();
  if (left) {
    for (auto& pending : *left) pending.done(std::nullopt, "shutting down");
  }
}

bool QueryEmbedder::may_send_partial() const {
  return options_.max_in_flight == 0 || in_flight_ < options_.max_in_flight;
}

void QueryEmbedder::request_done() {
  {
    std::lock_guard lock(mutex_);
    --in_flight_;
  }
  wake_.notify_one();
}

void QueryEmbedder::send(std::vector<Pending> batch) {
  auto now = Clock::now();
  if (!breaker_.try_acquire(now)) {
    request_done();
    metrics_.backend_call(kBackend, "rejected");
    for (auto& pending : batch) pending.done(std::nullopt, "the embedder's circuit breaker is open");
    return;
  }
  metrics_.embed_batch(batch.size());
  std::vector<std::string> texts;
  texts.reserve(batch.size());
  for (const auto& pending : batch) texts.push_back(pending.text);
  auto shared = std::make_shared<std::vector<Pending>>(std::move(batch));
  embedder_.embed_async(std::move(texts), options_.timeout,
                        [this, shared, now](std::vector<Embedding> vectors, std::string error) {
                          auto end = Clock::now();
                          request_done();
                          if (error.empty() && vectors.size() == shared->size()) {
                            breaker_.on_success(end - now, end);
                            metrics_.backend_call(kBackend, "success");
                            for (size_t i = 0; i < shared->size(); ++i) {
                              auto vector = std::make_shared<const Embedding>(std::move(vectors[i]));
                              cache_.put((*shared)[i].key, vector);
                              (*shared)[i].done(*vector, "");
                            }
                            return;
                          }
                          if (error.empty()) error = "the embedder returned a vector count that does not match";
                          breaker_.on_failure(end - now, end);
                          metrics_.backend_call(kBackend, "error");
                          for (auto& pending : *shared) pending.done(std::nullopt, error);
                        });
}

}  // namespace ragscale::serve
