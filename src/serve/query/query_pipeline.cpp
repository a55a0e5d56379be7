#include "serve/query/query_pipeline.h"

#include "serve/api/response_json.h"
#include "http/response_format.h"
#include "serve/generate/extractive_generator.h"

namespace ragscale::serve {
namespace {

using Clock = std::chrono::steady_clock;

double milliseconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

std::vector<SourceText> source_texts(const RetrievalResult& result) {
  std::vector<SourceText> sources;
  sources.reserve(result.chunks.size());
  for (const auto& chunk : result.chunks) sources.push_back({chunk.title, chunk.text});
  return sources;
}

FlightResult failed(int status, const std::string& message) {
  FlightResult result;
  result.status = status;
  result.error_body = http::error_json(status, message);
  return result;
}

using resilience::ServiceMode;

std::string flight_key(const std::string& cache_key, uint64_t generation) {
  return cache_key + ";" + std::to_string(generation);
}

FlightResult overloaded(const std::string& message) {
  FlightResult result = failed(503, message);
  return result;
}

}  // namespace

struct QueryPipeline::Run {
  std::shared_ptr<AnswerFlight> flight;
  QueryParameters q;
  ServiceMode mode = ServiceMode::kFull;
  size_t max_tokens = 0;
  std::string key;        // the flight's: the cache key and the index generation
  std::string cache_key;  // the answer cache's
  std::string asked_key;  // the cache key of the parameters asked, when the rung changed them
  uint64_t generation = 0;  // the index generation when the question started
  uint64_t shared_generation = 0;  // the shared one (with a shared cache)
  Clock::time_point start;
  Clock::time_point generation_start;
  std::shared_ptr<const RetrievalResult> retrieved;
};

std::string QueryPipeline::answer_key(const QueryParameters& q) const {
  std::string parameters = "k=" + std::to_string(q.max_sources) + ";t=" + std::to_string(q.temperature) +
                           ";m=" + std::to_string(q.max_tokens) + ";generator=" + parts_.generator_name;
  return QueryCache::make_key(q.question, parameters);
}

std::optional<FlightResult> QueryPipeline::stale_answer(const std::string& cache_key, std::string_view reason) {
  auto held = parts_.answers.get_stale(cache_key);
  if (!held) return std::nullopt;
  parts_.metrics.stale_answer();
  FlightResult result;
  result.core = stale_core(held->value, reason);
  result.cached = true;
  result.mode = "cached";
  return result;
}

std::optional<QueryPipeline::Ticket> QueryPipeline::answer(const QueryParameters& asked, AnswerFlight::Listener listener,
                                                           Clock::time_point start) {
  // mode
  ServiceMode mode = parts_.overload ? parts_.overload->mode(start) : ServiceMode::kFull;
  QueryParameters q = asked;
  if (mode == ServiceMode::kReduced) {
    q.max_sources = std::min<int64_t>(q.max_sources, static_cast<int64_t>(parts_.reduced_sources));
    q.max_tokens = parts_.reduced_max_tokens;
  }
  std::string cache_key = answer_key(q);
  uint64_t generation = parts_.generation.load();
  // cache
  if (auto core = parts_.answers.get(cache_key, generation)) {
    FlightResult result;
    result.core = std::move(*core);
    result.cached = true;
    result.mode = "cached";
    result.timings = timings_json(0, 0, milliseconds_between(start, Clock::now()));
    listener.on_done(result);
    return std::nullopt;
  }
  if (mode >= ServiceMode::kExtractive) {
    if (auto stale = stale_answer(cache_key, "overload")) {
      stale->timings = timings_json(0, 0, milliseconds_between(start, Clock::now()));
      listener.on_done(*stale);
      return std::nullopt;
    }
  }
  if (mode == ServiceMode::kRefuse) {
    listener.on_done(overloaded("the service is overloaded and refusing new questions; retry shortly"));
    return std::nullopt;
  }
  if (mode == ServiceMode::kCachedOnly) {
    listener.on_done(overloaded("the service is overloaded and answers cached questions only; retry shortly"));
    return std::nullopt;
  }
  // coalesce
  std::string key = flight_key(cache_key, generation);
  auto joined = flights_.join(key, [this, &key] {
    // Abandoned by every client: later askers start afresh rather than join a call
    // that is being cancelled.
    return std::make_shared<AnswerFlight>([this, key](const AnswerFlight* flight) { flights_.land(key, flight); });
  });
  if (!joined.leader) parts_.metrics.coalesced();
  Ticket ticket{joined.flight, joined.flight->join(std::move(listener))};
  if (joined.leader) {
    auto run = std::make_shared<Run>();
    run->flight = joined.flight;
    run->q = q;
    run->mode = mode;
    run->key = std::move(key);
    run->cache_key = std::move(cache_key);
    if (mode == ServiceMode::kReduced) run->asked_key = answer_key(asked);
    run->generation = generation;
    run->start = start;
    lead(std::move(run));
  }
  return ticket;
}

bool QueryPipeline::warm(const QueryParameters& q) {
  std::string cache_key = answer_key(q);
  uint64_t generation = parts_.generation.load();
  auto held = parts_.answers.get_stale(cache_key);
  if (held && held->generation == generation) return false;
  std::string key = flight_key(cache_key, generation);
  auto joined = flights_.join(key, [] { return std::make_shared<AnswerFlight>(nullptr, true); });
  if (!joined.leader) return false;
  auto run = std::make_shared<Run>();
  run->flight = joined.flight;
  run->q = q;
  run->key = std::move(key);
  run->cache_key = std::move(cache_key);
  run->generation = generation;
  run->start = Clock::now();
  lead(std::move(run));
  return true;
}

void QueryPipeline::search(const std::string& query, size_t top_k, Retrieved done) {
  retrieve(query, top_k, std::move(done), /*allow_stale=*/true);
}

void QueryPipeline::retrieve(const std::string& query, size_t top_k, Retrieved done, bool allow_stale) {
  std::string key = QueryCache::make_key(query, "retrieval;k=" + std::to_string(top_k));
  uint64_t generation = parts_.generation.load();
  auto held = retrievals_.get(key);
  if (held && held->index_generation == generation) {
    done(std::move(held), 200, "");
    return;
  }
  // admit: past the workers' limit the question is shed at once, not queued.
  std::optional<OverloadControl::Ticket> ticket;
  if (parts_.overload) {
    auto admission = parts_.overload->admit();
    if (!admission.ticket && allow_stale && held) {
      auto stale = std::make_shared<RetrievalResult>(*held);
      stale->stale = true;
      done(std::move(stale), 200, "");
      return;
    }
    if (!admission.ticket) {
      done(nullptr, 503, admission.mode >= ServiceMode::kCachedOnly
                             ? "the service is overloaded and answers cached questions only; retry shortly"
                             : "the service is at capacity; retry shortly");
      return;
    }
    ticket = admission.ticket;
  }
  auto on_vector = [this, query, top_k, key, generation, done, ticket](std::optional<Embedding> vector,
                                                                       std::string why) mutable {
    auto submitted = Clock::now();
    bool queued = parts_.workers.submit([this, query, top_k, key, generation, done, ticket, submitted,
                                         vector = std::move(vector), why = std::move(why)]() mutable {
      auto started = Clock::now();
      std::shared_ptr<const RetrievalResult> result;
      try {
        RetrievalResult found = parts_.query_embedder
                                    ? parts_.retriever.search_with(query, top_k, vector ? &*vector : nullptr, why)
                                    : parts_.retriever.search(query, top_k);
        found.index_generation = generation;
        result = std::make_shared<const RetrievalResult>(std::move(found));
      } catch (const StoreUnavailable& e) {
        if (ticket) parts_.overload->finish(*ticket, false, started - submitted);
        done(nullptr, 503, std::string("document store unavailable: ") + e.what());
        return;
      } catch (const std::exception& e) {
        if (ticket) parts_.overload->finish(*ticket, false, started - submitted);
        done(nullptr, 500, std::string("internal error: ") + e.what());
        return;
      }
      if (ticket) parts_.overload->finish(*ticket, true, started - submitted);
      if (!result->degraded) retrievals_.put(key, result);
      done(std::move(result), 200, "");
    });
    if (!queued) {
      if (ticket) parts_.overload->finish(*ticket, false, Clock::now() - submitted);
      done(nullptr, 503, "server busy: the work queue is full; retry shortly");
    }
  };
  if (parts_.query_embedder) {
    parts_.query_embedder->embed(query, std::move(on_vector));
  } else {
    on_vector(std::nullopt, "");
  }
}

void QueryPipeline::lead(std::shared_ptr<Run> run) {
  if (!parts_.shared) {
    answer_afresh(std::move(run));
    return;
  }
  run->shared_generation = parts_.shared_generation ? parts_.shared_generation->current() : 0;
  parts_.shared->get(run->cache_key, run->shared_generation, [this, run](std::optional<std::string> core) {
    if (!core) {
      answer_afresh(run);
      return;
    }
    parts_.answers.put(run->cache_key, *core, run->generation);
    FlightResult result;
    result.core = std::move(*core);
    result.cached = true;
    result.mode = "cached";
    complete(run, std::move(result));
  });
}

void QueryPipeline::store(const Run& run, const std::string& core) {
  parts_.answers.put(run.cache_key, core, run.generation);
  if (parts_.shared) parts_.shared->put(run.cache_key, run.shared_generation, core);
}

void QueryPipeline::answer_afresh(std::shared_ptr<Run> run) {
  retrieve(run->q.question, static_cast<size_t>(run->q.max_sources),
         [this, run](std::shared_ptr<const RetrievalResult> result, int status, std::string error) {
           if (!result) {
             // Shed: the latest answer held, marked stale, is better than a refusal.
             std::optional<FlightResult> stale;
             if (status == 503) stale = stale_answer(run->cache_key, "overload");
             if (status == 503 && !stale && !run->asked_key.empty()) stale = stale_answer(run->asked_key, "overload");
             complete(run, stale ? std::move(*stale) : failed(status, error));
             return;
           }
           if (result->degraded) parts_.metrics.degraded("embedder_unavailable");
           run->retrieved = std::move(result);
           run->generation_start = Clock::now();
           generate(run);
         },
         /*allow_stale=*/false);
}

void QueryPipeline::generate(std::shared_ptr<Run> run) {
  if (!parts_.model) {
    fall_back(run, "", false);
    return;
  }
  if (run->mode == ServiceMode::kExtractive) {
    fall_back(run, parts_.overload ? parts_.overload->extractive_reason() : "overload", false);
    return;
  }
  GenerationCall call;
  call.question = run->q.question;
  call.sources = source_texts(*run->retrieved);
  call.temperature = run->q.temperature;
  call.max_tokens = run->q.max_tokens;
  call.deadline = run->start + parts_.model_deadline;
  call.cancel = run->flight->cancel_signal();
  parts_.model->run(
      std::move(call), [flight = run->flight](std::string_view token) { flight->emit(token_frame(token)); },
      [this, run](GenerationOutcome outcome) {
        if (!outcome.ok) {
          fall_back(run, outcome.reason, outcome.any_token);
          return;
        }
        std::string core = answer_core_json(outcome.text, *run->retrieved);
        if (!run->retrieved->degraded) store(*run, core);
        FlightResult result;
        result.core = std::move(core);
        result.mode = run->mode == ServiceMode::kReduced ? "reduced" : "full";
        complete(run, std::move(result));
      },
      // A probe's answer arrives after its requests were answered: it fills the cache.
      [this, run](std::string text) {
        if (!run->retrieved->degraded) {
          store(*run, answer_core_json(text, *run->retrieved));
        }
      });
}

// Answers without the model: `reason` empty means the extractive generator is the
// configured one (a full answer), otherwise the model failed and the answer is degraded.
void QueryPipeline::fall_back(const std::shared_ptr<Run>& run, const std::string& reason, bool streamed) {
  if (!reason.empty() && !parts_.fallback) {
    complete(run, overloaded("no answer from the model (" + reason + ") and fallback answers are off; retry shortly"));
    return;
  }
  if (!reason.empty()) parts_.metrics.degraded(reason);
  if (streamed) run->flight->emit(fallback_frame(reason));
  std::string core;
  std::vector<std::string> parts;
  if (!reason.empty()) {
    if (auto held = parts_.answers.get_stale(run->cache_key)) {
      parts_.metrics.stale_answer();
      core = stale_core(held->value, reason);
      parts.push_back(answer_of_core(held->value));
    }
  }
  FlightResult result;
  // Without a model the extractive generator is the full answer: the rung names the mode.
  result.mode = !core.empty() ? "cached" : reason.empty() ? resilience::service_mode_name(run->mode) : "extractive";
  if (core.empty()) {
    std::vector<std::string> texts;
    texts.reserve(run->retrieved->chunks.size());
    for (const auto& chunk : run->retrieved->chunks) texts.push_back(chunk.text);
    parts = extractive_answer_parts(run->q.question, texts);
    std::string answer;
    for (const auto& part : parts) answer += (answer.empty() ? "" : " ") + part;
    core = answer_core_json(answer, *run->retrieved, reason);
    if (reason.empty() && !run->retrieved->degraded) store(*run, core);
  }
  for (size_t i = 0; i < parts.size(); ++i) run->flight->emit(token_frame(i == 0 ? parts[i] : " " + parts[i]));
  result.core = std::move(core);
  complete(run, std::move(result));
}

void QueryPipeline::complete(const std::shared_ptr<Run>& run, FlightResult result) {
  auto done = Clock::now();
  if (result.status == 200) {
    auto generation_start = run->generation_start == Clock::time_point{} ? done : run->generation_start;
    result.timings = timings_json(milliseconds_between(run->start, generation_start),
                                  milliseconds_between(generation_start, done), milliseconds_between(run->start, done));
  }
  if (run->flight->keep_alive() && result.status == 200) parts_.metrics.warmed();
  flights_.land(run->key, run->flight.get());
  run->flight->complete(result);
}

}  // namespace ragscale::serve
