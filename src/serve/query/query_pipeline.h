// QueryPipeline: the path of a question, as a short list of stages, each guarded by its
// policy:
//
//   mode      the degradation ladder's rung (OverloadControl): reduced questions ask
//             for fewer sources and a shorter answer; from the extractive rung down a
//             held answer of an older index generation is served, marked stale, before
//             any work; cached-only and refuse rungs answer 503 past that
//   cache     a fresh cached answer of the current index generation is sent at once
//             (on every rung, even while shedding)
//   coalesce  an identical question already in the making is joined (SingleFlight,
//             keyed with the index generation)
//   shared    with a shared cache (Redis, --cache), the flight's leader looks the answer
//             up there under the shared index generation; a hit fills the in-process
//             cache and answers the flight; a miss, or Redis down, goes on at once
//   admit     the leader of a flight passes admission control in front of the workers
//             (shed: a held stale answer, else 503 with Retry-After at once; a shed
//             search gets the latest held retrieval, marked stale)
//   embed     the question's vector: in process, or batched to the embedder backend
//             (QueryEmbedder: LRU, micro-batching, breaker)
//   retrieve  hybrid retrieval on the worker pool, its result cached with the index
//             generation it saw
//   generate  the guarded model call (GenerationStage: breaker, bounded wait for a place
//             among the calls in flight, timeouts, retries); skipped on the extractive rung
//   fallback  no model answer: a stale cached answer if one is held, else the extractive
//             answer from the retrieved passages, marked degraded with the reason — or,
//             with fallback off, 503 with Retry-After
//   store     full answers go into the cache with the generation their question started on
//             (and into the shared cache with the shared generation it started on)
//
// Contract:
// - answer() never blocks: it answers from the cache at once (listener.on_done on the
//   calling thread, returning nothing) or joins/starts a flight and returns the ticket
//   the caller leaves with when its client goes away. Every listener gets exactly one
//   on_done.
// - search() runs embed + retrieve for the search routes; `done` runs once, on a worker
//   thread or at once on the calling thread (cache hit, refusal).
// - Freshness: in full service every answer and retrieval is of the current index
//   generation (an upload or delete makes every earlier one a miss). An older one is
//   served only marked stale: when the model fails (stale-if-error), from the
//   extractive rung down, and when admission control sheds the question — answering a
//   little behind recent uploads rather than refusing.
// - The pieces it is given outlive it; shutdown order is RagService's.
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "serve/cache/lru_cache.h"
#include "serve/cache/query_cache.h"
#include "serve/cache/shared_cache.h"
#include "serve/cache/shared_generation.h"
#include "serve/query/answer_flight.h"
#include "serve/query/generation_stage.h"
#include "serve/query/overload_control.h"
#include "serve/query/pipeline_metrics.h"
#include "serve/query/query_embedder.h"
#include "serve/query/query_parameters.h"
#include "serve/resilience/singleflight.h"
#include "serve/retrieval/hybrid_retriever.h"
#include "serve/worker_pool.h"

namespace ragscale::serve {

struct PipelineParts {
  QueryCache& answers;
  HybridRetriever& retriever;
  WorkerPool& workers;
  const std::atomic<uint64_t>& generation;  // the index generation
  PipelineMetrics& metrics;
  GenerationStage* model = nullptr;          // null: the extractive generator answers
  QueryEmbedder* query_embedder = nullptr;   // null: the retriever embeds in process
  std::string generator_name = "extractive";  // part of the answer key
  std::chrono::milliseconds model_deadline{30000};  // from the request's start
  size_t retrieval_cache_entries = 10000;
  OverloadControl* overload = nullptr;  // null: no admission control, always full mode
  bool fallback = true;                 // false: 503 instead of a degraded answer
  size_t reduced_sources = 2;           // the reduced rung's sources and answer length
  size_t reduced_max_tokens = 128;
  SharedCache* shared = nullptr;                   // null: no second cache level
  const SharedGeneration* shared_generation = nullptr;  // with `shared`
};

class QueryPipeline {
 public:
  using Clock = std::chrono::steady_clock;

  struct Ticket {
    std::shared_ptr<AnswerFlight> flight;
    uint64_t listener = 0;
  };
  // A retrieval, or the status and message of why there is none.
  using Retrieved = std::function<void(std::shared_ptr<const RetrievalResult> result, int status, std::string error)>;

  explicit QueryPipeline(PipelineParts parts) : parts_(std::move(parts)), retrievals_(parts_.retrieval_cache_entries) {}

  std::optional<Ticket> answer(const QueryParameters& q, AnswerFlight::Listener listener, Clock::time_point start);
  // Answers `q` into the cache with nobody waiting (the warm file). False when it was
  // already cached.
  bool warm(const QueryParameters& q);
  void search(const std::string& query, size_t top_k, Retrieved done);

  size_t flights_in_progress() const { return flights_.in_flight(); }
  const LruCache<RetrievalResult>& retrieval_cache() const { return retrievals_; }

 private:
  struct Run;
  // The answer cache's key: the normalized question and the parameters that shape the
  // answer. The flight (coalescing) key adds the index generation.
  std::string answer_key(const QueryParameters& q) const;
  // The latest answer held for `cache_key` (another index generation, or past its TTL
  // within the stale grace), marked stale with `reason`; none when nothing is held.
  std::optional<FlightResult> stale_answer(const std::string& cache_key, std::string_view reason);
  // The flight's leader: the shared cache first, then answer_afresh().
  void lead(std::shared_ptr<Run> run);
  void answer_afresh(std::shared_ptr<Run> run);
  // Keeps a full answer in the cache levels, under the generations its question started on.
  void store(const Run& run, const std::string& core);
  void generate(std::shared_ptr<Run> run);
  void fall_back(const std::shared_ptr<Run>& run, const std::string& reason, bool streamed);
  // Retrieval behind admission control. `allow_stale`: a question shed by admission
  // control gets the latest retrieval held of an older index generation, marked stale,
  // rather than a 503.
  void retrieve(const std::string& query, size_t top_k, Retrieved done, bool allow_stale);
  void complete(const std::shared_ptr<Run>& run, FlightResult result);

  PipelineParts parts_;
  LruCache<RetrievalResult> retrievals_;
  resilience::SingleFlight<AnswerFlight> flights_;
};

}  // namespace ragscale::serve
