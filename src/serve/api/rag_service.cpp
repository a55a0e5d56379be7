#include "serve/api/rag_service.h"

#include <rapidjson/document.h>

#include <charconv>
#include <cstdio>
#include <filesystem>
#include <unordered_map>

#include "common/bounded_json.h"
#include "common/document_folder.h"
#include "http/response_format.h"
#include "serve/api/api_error.h"
#include "serve/backend/backend_client.h"
#include "serve/backend/chat_generator.h"
#include "serve/backend/openai_embedder.h"
#include "serve/api/authenticator.h"
#include "serve/api/departure_watch.h"
#include "serve/api/json_input.h"
#include "serve/api/multipart.h"
#include "serve/api/origin_check.h"
#include "serve/api/response_json.h"
#include "serve/api/routes.h"
#include "serve/api/service_metrics.h"
#include "serve/cache/query_cache.h"
#include "serve/embed/hashing_embedder.h"
#include "serve/generate/extractive_generator.h"
#include "serve/ingest/ingestor.h"
#include "serve/retrieval/dense_index.h"
#include "serve/retrieval/hybrid_retriever.h"
#include "serve/storage/document_store.h"
#include "serve/text/utf8.h"
#include "serve/worker_pool.h"

namespace ragscale::serve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxSources = 50;
constexpr size_t kMaxTitleBytes = 1024;

// What a handler decided to send; built on any thread, sent on the loop thread.
struct Reply {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  http::Headers headers;
  bool stream = false;
  std::vector<std::string> frames;  // Server-Sent Events, when stream is set
};

Reply json_reply(int status, std::string body) {
  Reply reply;
  reply.status = status;
  reply.body = std::move(body);
  return reply;
}

Reply error_reply(int status, std::string_view message) { return json_reply(status, http::error_json(status, message)); }

double milliseconds_between(Clock::time_point from, Clock::time_point to) {
  return std::chrono::duration<double, std::milli>(to - from).count();
}

int64_t parse_id(const std::string& text) {
  int64_t id = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), id);
  if (error != std::errc() || end != text.data() + text.size() || id <= 0) {
    throw ApiError(400, "document id must be a positive whole number, got \"" + text + "\"");
  }
  return id;
}

int64_t query_int(const http::Request& request, const char* name, int64_t min, int64_t max, int64_t fallback) {
  auto value = request.query_param(name);
  if (!value || value->empty()) return fallback;
  int64_t number = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc() || end != value->data() + value->size() || number < min || number > max) {
    throw ApiError(400, std::string("query parameter ") + name + " must be a whole number from " +
                            std::to_string(min) + " to " + std::to_string(max) + ", got \"" + *value + "\"");
  }
  return number;
}

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

struct QueryParameters {
  std::string question;
  int64_t max_sources = 4;
  double temperature = 0;
  bool stream = false;
};

}  // namespace

struct RagService::State {
  explicit State(ServeConfig c)
      : config(std::move(c)),
        auth(config.api_keys, config.users, config.token_ttl),
        cache(QueryCache::Limits{config.cache_entries, config.cache_bytes, config.cache_ttl}) {}

  ServeConfig config;
  Authenticator auth;
  QueryCache cache;
  ServiceMetrics metrics;
  std::unique_ptr<DocumentStore> store;
  std::unique_ptr<BackendClient> embed_client;
  std::unique_ptr<BackendClient> llm_client;
  std::unique_ptr<ChatGenerator> generator;  // null: the extractive generator
  std::unique_ptr<Embedder> embedder;
  std::unique_ptr<DenseIndex> index;
  std::unique_ptr<HybridRetriever> retriever;
  std::unique_ptr<Ingestor> ingestor;
  std::unique_ptr<WorkerPool> workers;
  std::unique_ptr<WorkerPool> ingestion;
  std::unique_ptr<http::HttpServer> server;
  std::unordered_map<net::EventLoop*, std::unique_ptr<DepartureWatch>> departures;  // one per server loop
  std::thread startup;
  std::atomic<bool> ready{false};
  std::atomic<bool> stopping{false};
  std::atomic<uint64_t> generation{0};
  std::atomic<uint64_t> ingestion_pending{0};
  // Written once by the startup thread before startup_failed is set; read only after.
  std::string startup_error;
  std::atomic<bool> startup_failed{false};
  bool shut_down = false;

  std::string index_path() const { return (std::filesystem::path(config.data_dir) / "dense.hnsw").string(); }

  // ---- replies ---------------------------------------------------------------------
  void finish(http::Responder& responder, Route route, Clock::time_point start, Reply reply) {
    metrics.record(route_label(route), reply.status, std::chrono::duration<double>(Clock::now() - start).count());
    if (reply.stream) {
      http::Headers headers = reply.headers;
      headers.add("Cache-Control", "no-cache");
      responder.start_stream(reply.status, "text/event-stream", headers);
      for (const auto& frame : reply.frames) {
        if (!responder.write(frame)) return;
      }
      responder.finish();
      return;
    }
    responder.send(reply.status, reply.content_type, std::move(reply.body), reply.headers);
  }

  // Runs `work` on the worker pool and sends its reply from the connection's loop.
  void offload(http::Responder responder, Route route, Clock::time_point start, std::function<Reply()> work) {
    net::EventLoop* loop = responder.loop();
    bool queued = workers->submit([this, responder, route, start, loop, work = std::move(work)]() mutable {
      Reply reply;
      try {
        reply = work();
      } catch (const ApiError& e) {
        reply = error_reply(e.status(), e.what());
      } catch (const std::exception& e) {
        reply = error_reply(500, std::string("internal error: ") + e.what());
      }
      loop->post([this, responder, route, start, reply = std::move(reply)]() mutable {
        finish(responder, route, start, std::move(reply));
      });
    });
    if (!queued) finish(responder, route, start, error_reply(503, "server busy: the work queue is full; retry shortly"));
  }

  void require_ready() const {
    if (stopping.load()) throw ApiError(503, "server is shutting down");
    if (!ready.load()) {
      throw ApiError(503, startup_failed.load() ? "index failed to load: " + startup_error
                                                : "index is still loading; retry shortly");
    }
  }

  // ---- judging heads ---------------------------------------------------------------
  // The answer to a request refused on its head alone (unknown path, method not allowed,
  // a cross-site post while auth is off, missing or invalid credentials), or none. The server asks this before it reads any
  // body, so a request that is refused costs no upload.
  std::optional<Reply> refusal(const MatchedRoute& matched, const std::string& method, std::string_view path,
                               const http::Headers& headers) {
    if (matched.route == Route::kUnknown) {
      return error_reply(404, "no route for " + method + " " + std::string(path) +
                                  " (routes: /query, /api/v1/search, /retrieval, /api/v1/documents/upload, "
                                  "/documents, /auth/login, /health, /ready, /metrics)");
    }
    if (!method_allowed(matched, method)) {
      Reply reply = error_reply(405, method + " is not allowed on " + std::string(path) + "; use " + matched.allowed);
      reply.headers.add("Allow", matched.allowed);
      return reply;
    }
    if (!auth.enabled()) {
      if (auto why = cross_site_refusal(method, headers, config.host)) return error_reply(403, *why);
    }
    bool open_route = matched.route == Route::kHealth || matched.route == Route::kReady ||
                      matched.route == Route::kStartup || matched.route == Route::kMetrics ||
                      matched.route == Route::kLogin;
    if (!open_route && !auth.allows(headers)) {
      Reply reply = error_reply(401, "missing or invalid credentials: send X-API-Key: KEY or "
                                     "Authorization: Bearer KEY");
      reply.headers.add("WWW-Authenticate", "Bearer");
      return reply;
    }
    return std::nullopt;
  }

  // The server's head policy: refusals as above, and the body limit of the route.
  http::HeadDecision judge_head(const http::MessageHead& head) {
    std::string_view target = head.target;
    std::string_view path = target.substr(0, target.find('?'));
    auto matched = match_route(path);
    http::HeadDecision decision;
    bool upload = matched.route == Route::kUpload || (matched.route == Route::kList && head.method == "POST");
    decision.body_limit = upload ? config.max_upload_bytes : config.max_body_bytes;
    if (auto reply = refusal(matched, head.method, path, head.headers)) {
      metrics.record(route_label(matched.route), reply->status, 0.0);
      http::Response response;
      response.status = reply->status;
      response.headers = std::move(reply->headers);
      response.headers.add("Content-Type", reply->content_type);
      response.body = std::move(reply->body);
      decision.refuse = std::move(response);
    }
    return decision;
  }

  // ---- dispatch --------------------------------------------------------------------
  // Every request that reaches here passed judge_head (the server consults it first).
  void handle(http::Request& request, http::Responder responder) {
    auto start = Clock::now();
    auto matched = match_route(request.path());
    try {
      dispatch(matched, request, responder, start);
    } catch (const ApiError& e) {
      finish(responder, matched.route, start, error_reply(e.status(), e.what()));
    } catch (const std::exception& e) {
      finish(responder, matched.route, start, error_reply(500, std::string("internal error: ") + e.what()));
    }
  }

  void dispatch(const MatchedRoute& matched, http::Request& request, http::Responder& responder,
                Clock::time_point start) {
    switch (matched.route) {
      case Route::kHealth:
        finish(responder, matched.route, start, json_reply(200, "{\"status\":\"ok\"}\n"));
        return;
      case Route::kReady:
      case Route::kStartup: {
        bool up = ready.load() && !(matched.route == Route::kReady && stopping.load());
        if (up) {
          finish(responder, matched.route, start, json_reply(200, "{\"status\":\"ready\"}\n"));
        } else {
          std::string why = stopping.load()         ? "shutting down"
                            : startup_failed.load() ? "startup failed: " + startup_error
                                                    : "storage or index still loading";
          finish(responder, matched.route, start, error_reply(503, "not ready: " + why));
        }
        return;
      }
      case Route::kMetrics: {
        Reply reply = json_reply(200, metrics.render(gauges()));
        reply.content_type = "text/plain; version=0.0.4";
        finish(responder, matched.route, start, std::move(reply));
        return;
      }
      case Route::kQuery:
        handle_query(request, responder, start);
        return;
      case Route::kSearch: {
        JsonInput input(request.body);
        auto query = input.string("query");
        if (!query) query = input.string("question");
        if (!query || is_blank(*query)) throw ApiError(400, "field \"query\" is required and must not be blank");
        auto top_k = input.integer("top_k", 1, kMaxSources).value_or(4);
        check_question(*query);
        offload_search(responder, matched.route, start, std::move(*query), top_k);
        return;
      }
      case Route::kRetrieval: {
        auto query = request.query_param("q");
        if (!query) query = request.query_param("query");
        if (!query || is_blank(*query)) throw ApiError(400, "query parameter q is required, e.g. /retrieval?q=hnsw");
        if (auto bad = find_invalid_utf8(*query)) throw ApiError(400, "query parameter q is not valid UTF-8");
        auto top_k = query_int(request, "top_k", 1, kMaxSources, 4);
        check_question(*query);
        offload_search(responder, matched.route, start, std::move(*query), top_k);
        return;
      }
      case Route::kUpload:
        handle_upload(request, responder, start);
        return;
      case Route::kList:
        if (request.method == "POST") {
          handle_upload(request, responder, start);
          return;
        }
        handle_list(request, responder, start);
        return;
      case Route::kStatus:
      case Route::kDocument:
        handle_document(matched, request, responder, start);
        return;
      case Route::kLogin:
        handle_login(request, responder, start);
        return;
      case Route::kUnknown:
        break;
    }
  }

  ServiceGauges gauges() const {
    ServiceGauges g;
    g.cache_hits = cache.hits();
    g.cache_misses = cache.misses();
    g.cache_entries = cache.entries();
    g.cache_bytes = cache.bytes();
    g.ingestion_queue = ingestion_pending.load();
    g.index_chunks = index ? index->size() : 0;
    g.index_generation = generation.load();
    g.in_flight_requests = server ? server->in_flight_requests() : 0;
    g.open_connections = server ? server->open_connections() : 0;
    g.worker_queue = workers ? workers->pending() : 0;
    g.failed_tasks = (workers ? workers->failed_tasks() : 0) + (ingestion ? ingestion->failed_tasks() : 0);
    return g;
  }

  void check_question(const std::string& question) const {
    if (question.size() > config.max_question_chars) {
      throw ApiError(400, "question is " + std::to_string(question.size()) + " bytes; the limit is " +
                              std::to_string(config.max_question_chars) + " (max_question_chars)");
    }
  }

  // ---- query -----------------------------------------------------------------------
  QueryParameters parse_query(const http::Request& request) const {
    JsonInput input(request.body);
    QueryParameters q;
    auto question = input.string("question");
    if (!question) question = input.string("query");
    if (!question) throw ApiError(400, "field \"question\" (or \"query\") is required");
    if (is_blank(*question)) throw ApiError(400, "field \"question\" must not be blank");
    check_question(*question);
    q.question = std::move(*question);
    if (auto k = input.integer("max_sources", 1, kMaxSources)) q.max_sources = *k;
    else if (auto top_k = input.integer("top_k", 1, kMaxSources)) q.max_sources = *top_k;
    q.temperature = input.number("temperature", 0.0, 2.0).value_or(0.0);
    q.stream = input.boolean("stream").value_or(false);
    if (auto accept = request.headers.get("Accept"); accept && accept->find("text/event-stream") != std::string_view::npos) {
      q.stream = true;
    }
    return q;
  }

  Reply answer_reply(const QueryParameters& q, const std::string& core, const std::vector<std::string>& parts,
                     bool cached, const std::string& timings) {
    if (!q.stream) return json_reply(200, finish_answer(core, cached, timings));
    Reply reply;
    reply.stream = true;
    for (size_t i = 0; i < parts.size(); ++i) reply.frames.push_back(token_frame(i == 0 ? parts[i] : " " + parts[i]));
    std::string done = finish_answer(core, cached, timings);
    done.pop_back();  // the newline; SSE data lines carry none
    reply.frames.push_back(http::sse_frame(done, "done"));
    return reply;
  }

  void handle_query(http::Request& request, http::Responder& responder, Clock::time_point start) {
    QueryParameters q = parse_query(request);
    require_ready();
    std::string parameters = "k=" + std::to_string(q.max_sources) + ";t=" + std::to_string(q.temperature) +
                             ";generator=" + (generator ? "chat:" + generator->model() : std::string("extractive"));
    std::string key = QueryCache::make_key(q.question, parameters, generation.load());
    if (auto core = cache.get(key)) {
      std::vector<std::string> parts;
      if (q.stream) {
        rapidjson::Document parsed;
        std::string object = *core + "}";
        if (parse_bounded_json(parsed, object).ok() && parsed.HasMember("answer") && parsed["answer"].IsString()) {
          parts.emplace_back(parsed["answer"].GetString(), parsed["answer"].GetStringLength());
        }
      }
      double total = milliseconds_between(start, Clock::now());
      finish(responder, Route::kQuery, start, answer_reply(q, *core, parts, true, timings_json(0, 0, total)));
      return;
    }
    // A client that leaves before its answer cancels the model call made for it.
    auto abandon = std::make_shared<CancelSignal>();
    if (generator) departures.at(responder.loop())->watch(responder, abandon);
    if (q.stream && generator) {
      stream_generation(responder, start, std::move(q), std::move(key), std::move(abandon));
      return;
    }
    answer_query(responder, start, std::move(q), std::move(key), std::move(abandon));
  }

  static std::vector<SourceText> source_texts(const RetrievalResult& result) {
    std::vector<SourceText> sources;
    for (const auto& chunk : result.chunks) sources.push_back({chunk.title, chunk.text});
    return sources;
  }

  static std::vector<std::string> extractive_parts(const QueryParameters& q, const RetrievalResult& result) {
    std::vector<std::string> texts;
    texts.reserve(result.chunks.size());
    for (const auto& chunk : result.chunks) texts.push_back(chunk.text);
    return extractive_answer_parts(q.question, texts);
  }

  // Retrieval on the worker pool; generation through the chat backend without holding a
  // thread while the model thinks (its answer arrives on the backend client's loop). If
  // the model fails, the extractive answer is sent instead, marked degraded.
  void answer_query(http::Responder responder, Clock::time_point start, QueryParameters q, std::string key,
                    std::shared_ptr<CancelSignal> abandon) {
    net::EventLoop* loop = responder.loop();
    bool queued = workers->submit([this, responder, start, loop, q = std::move(q), key = std::move(key),
                                   abandon = std::move(abandon)]() mutable {
      auto retrieval_start = Clock::now();
      auto result = std::make_shared<RetrievalResult>();
      try {
        *result = retriever->search(q.question, static_cast<size_t>(q.max_sources));
      } catch (const std::exception& e) {
        loop->post([this, responder, start, message = std::string("internal error: ") + e.what()]() mutable {
          finish(responder, Route::kQuery, start, error_reply(500, message));
        });
        return;
      }
      auto generation_start = Clock::now();
      auto complete = [this, responder, start, loop, q, key, result, retrieval_start, generation_start](
                          std::vector<std::string> parts, const std::string& failure) mutable {
        if (!failure.empty()) {
          result->degraded = true;
          result->degraded_reason = failure;
        }
        if (parts.empty()) parts = extractive_parts(q, *result);
        std::string answer;
        for (const auto& part : parts) answer += (answer.empty() ? "" : " ") + part;
        auto done = Clock::now();
        std::string core = answer_core_json(answer, *result);
        if (!result->degraded) cache.put(key, core);
        Reply reply = answer_reply(q, core, parts, false,
                                   timings_json(milliseconds_between(retrieval_start, generation_start),
                                                milliseconds_between(generation_start, done),
                                                milliseconds_between(start, done)));
        loop->post([this, responder, start, reply = std::move(reply)]() mutable {
          finish(responder, Route::kQuery, start, std::move(reply));
        });
      };
      if (!generator) {
        complete({}, "");
        return;
      }
      generator->generate_async(q.question, source_texts(*result), q.temperature,
                                BackendClient::CallOptions{generator->timeout()}, {},
                                [complete](ChatOutcome outcome) mutable {
                                  std::vector<std::string> parts;
                                  if (outcome.error.empty()) parts.push_back(std::move(outcome.text));
                                  complete(std::move(parts), outcome.error);
                                },
                                abandon);
    });
    if (!queued) finish(responder, Route::kQuery, start, error_reply(503, "server busy: the work queue is full; retry shortly"));
  }

  // A streamed answer from the chat backend: token events are forwarded as the model
  // produces them, then the final event with the sources. If the model fails before its
  // first token, the extractive answer is streamed instead and marked degraded.
  void stream_generation(http::Responder responder, Clock::time_point start, QueryParameters q, std::string key,
                         std::shared_ptr<CancelSignal> abandon) {
    net::EventLoop* loop = responder.loop();
    bool queued = workers->submit([this, responder, start, loop, q = std::move(q), key = std::move(key),
                                   abandon = std::move(abandon)]() mutable {
      auto result = std::make_shared<RetrievalResult>();
      auto retrieval_start = Clock::now();
      try {
        *result = retriever->search(q.question, static_cast<size_t>(q.max_sources));
      } catch (const std::exception& e) {
        loop->post([this, responder, start, message = std::string("internal error: ") + e.what()]() mutable {
          finish(responder, Route::kQuery, start, error_reply(500, message));
        });
        return;
      }
      auto generation_start = Clock::now();
      loop->post([r = responder]() mutable {
        http::Headers headers;
        headers.add("Cache-Control", "no-cache");
        r.start_stream(200, "text/event-stream", headers);
      });
      // A client that went away also shows when a write fails.
      auto write = [loop, responder, abandon](std::string frame) {
        loop->post([r = responder, frame = std::move(frame), abandon]() mutable {
          if (!r.write(frame)) abandon->cancel();
        });
      };
      // Tokens arrive on the backend client's loop; they are forwarded as they come.
      auto streamed = std::make_shared<bool>(false);
      auto on_token = [write, streamed](std::string_view token) {
        *streamed = true;
        write(token_frame(token));
      };
      auto complete = [this, responder, start, loop, q, key, result, retrieval_start, generation_start, write,
                       streamed](std::string answer, std::string error) mutable {
        if (!error.empty()) {
          result->degraded = true;
          result->degraded_reason = error;
        }
        // The model failed before its first token: stream the extractive answer instead.
        // After that, what the client was sent stays the answer.
        if (!*streamed) {
          auto parts = extractive_parts(q, *result);
          answer.clear();
          for (size_t i = 0; i < parts.size(); ++i) {
            std::string piece = i == 0 ? parts[i] : " " + parts[i];
            answer += piece;
            write(token_frame(piece));
          }
        }
        auto done = Clock::now();
        std::string core = answer_core_json(answer, *result);
        if (!result->degraded) cache.put(key, core);
        std::string final_event = finish_answer(core, false,
                                                timings_json(milliseconds_between(retrieval_start, generation_start),
                                                             milliseconds_between(generation_start, done),
                                                             milliseconds_between(start, done)));
        final_event.pop_back();
        loop->post([this, r = responder, start, frame = http::sse_frame(final_event, "done")]() mutable {
          metrics.record(route_label(Route::kQuery), 200, std::chrono::duration<double>(Clock::now() - start).count());
          r.write(frame);
          r.finish();
        });
      };
      generator->generate_async(q.question, source_texts(*result), q.temperature,
                                BackendClient::CallOptions{generator->timeout()}, on_token,
                                [complete](ChatOutcome outcome) mutable {
                                  complete(std::move(outcome.text), std::move(outcome.error));
                                },
                                abandon);
    });
    if (!queued) finish(responder, Route::kQuery, start, error_reply(503, "server busy: the work queue is full; retry shortly"));
  }

  void offload_search(http::Responder& responder, Route route, Clock::time_point start, std::string query,
                      int64_t top_k) {
    require_ready();
    offload(responder, route, start, [this, query = std::move(query), top_k]() -> Reply {
      return json_reply(200, search_json(retriever->search(query, static_cast<size_t>(top_k))));
    });
  }

  // ---- documents -------------------------------------------------------------------
  void handle_upload(http::Request& request, http::Responder& responder, Clock::time_point start) {
    if (stopping.load()) throw ApiError(503, "server is shutting down");
    std::string content_type(request.headers.get("Content-Type").value_or(""));
    std::string title_param = request.query_param("title").value_or("");
    // The body moves into the task: uploads can be 100 MB and must not be copied.
    auto body = std::make_shared<std::string>(std::move(request.body));
    offload(responder, Route::kUpload, start, [this, body, content_type, title_param]() -> Reply {
      std::string title = title_param;
      std::string text;
      if (auto boundary = multipart_boundary(content_type)) {
        std::vector<MultipartPart> parts;
        try {
          parts = parse_multipart(*body, *boundary);
        } catch (const std::invalid_argument& e) {
          throw ApiError(400, std::string("malformed multipart body: ") + e.what());
        }
        const MultipartPart* file = nullptr;
        for (const auto& part : parts) {
          if (part.name == "file" || (!file && !part.filename.empty())) file = &part;
          if (part.name == "title" && title.empty()) title = std::string(part.body);
        }
        if (!file) throw ApiError(400, "multipart upload needs a part named \"file\" holding the document");
        if (title.empty()) title = file->filename;
        text = std::string(file->body);
      } else if (content_type.find("json") != std::string::npos || content_type.empty()) {
        JsonInput input(*body);
        auto json_text = input.string("text");
        if (!json_text) json_text = input.string("content");
        if (!json_text) throw ApiError(400, "field \"text\" is required (the document's content)");
        text = std::move(*json_text);
        if (auto json_title = input.string("title")) title = std::move(*json_title);
      } else if (content_type.rfind("text/", 0) == 0) {
        text = std::move(*body);
      } else if (content_type.rfind("multipart/", 0) == 0) {
        throw ApiError(400, "multipart upload needs Content-Type: multipart/form-data; boundary=...");
      } else {
        throw ApiError(415, "unsupported Content-Type \"" + content_type +
                                "\"; send multipart/form-data with a file field, application/json "
                                "{title, text}, or text/plain");
      }
      if (auto bad = find_invalid_utf8(text)) {
        throw ApiError(400, "document is not valid UTF-8 (first invalid byte at offset " + std::to_string(*bad) +
                                "); convert it to UTF-8 and upload again");
      }
      if (auto bad = find_invalid_utf8(title)) throw ApiError(400, "title is not valid UTF-8");
      if (title.size() > kMaxTitleBytes) {
        throw ApiError(400, "title is " + std::to_string(title.size()) + " bytes; the limit is " +
                                std::to_string(kMaxTitleBytes));
      }
      if (is_blank(text)) throw ApiError(400, "document text is empty");
      if (title.empty()) title = "untitled";
      int64_t id = store->add_document(title, text);  // durable before the 201
      generation.fetch_add(1);
      schedule_ingestion(id);
      Reply reply = json_reply(201, "{\"id\":" + std::to_string(id) + ",\"status\":\"processing\"}\n");
      reply.headers.add("Location", "/api/v1/documents/" + std::to_string(id) + "/status");
      return reply;
    });
  }

  void schedule_ingestion(int64_t id) {
    ingestion_pending.fetch_add(1);
    bool queued = ingestion->submit([this, id] {
      // Chunks added to the dense index before it is loaded would be lost when the
      // loaded graph replaces it, so uploads accepted during startup wait here.
      while (!ready.load() && !stopping.load() && !startup_failed.load()) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
      }
      // A job not run before shutdown stays in storage and resumes at the next start.
      if (ready.load() && !stopping.load()) ingestor->ingest(id);
      ingestion_pending.fetch_sub(1);
    });
    if (!queued) ingestion_pending.fetch_sub(1);
  }

  void handle_list(http::Request& request, http::Responder& responder, Clock::time_point start) {
    int64_t offset = query_int(request, "offset", 0, INT64_MAX / 2, 0);
    int64_t limit = query_int(request, "limit", 1, 1000, 20);
    offload(responder, Route::kList, start, [this, offset, limit]() -> Reply {
      auto documents = store->list_documents(offset, limit);
      return json_reply(200, document_list_json(documents, store->document_count(), offset, limit));
    });
  }

  void handle_document(const MatchedRoute& matched, http::Request& request, http::Responder& responder,
                       Clock::time_point start) {
    int64_t id = parse_id(matched.id_text);
    bool remove = request.method == "DELETE";
    bool status_only = matched.route == Route::kStatus;
    offload(responder, matched.route, start, [this, id, remove, status_only]() -> Reply {
      if (remove) {
        if (!ingestor->remove_document(id)) throw ApiError(404, "no document with id " + std::to_string(id));
        return json_reply(200, "{\"id\":" + std::to_string(id) + ",\"deleted\":true}\n");
      }
      auto info = store->document(id);
      if (!info) throw ApiError(404, "no document with id " + std::to_string(id));
      return json_reply(200, status_only ? document_status_json(*info) : document_json(*info));
    });
  }

  void handle_login(http::Request& request, http::Responder& responder, Clock::time_point start) {
    JsonInput input(request.body);
    auto username = input.string("username");
    auto password = input.string("password");
    if (!username || !password) throw ApiError(400, "fields \"username\" and \"password\" are required");
    // The HTTP core does not tell the client's address, so failures count per user only.
    auto attempt = auth.login(*username, *password, request.peer_address);
    if (attempt.retry_after.count() > 0) {
      Reply reply = error_reply(429, "too many failed logins for this user; retry in " +
                                         std::to_string(attempt.retry_after.count()) + " s");
      reply.headers.add("Retry-After", std::to_string(attempt.retry_after.count()));
      finish(responder, Route::kLogin, start, std::move(reply));
      return;
    }
    if (!attempt.token) throw ApiError(401, "invalid username or password");
    std::string body = "{\"access_token\":\"" + *attempt.token + "\",\"token_type\":\"bearer\",\"expires_in\":" +
                       std::to_string(std::chrono::duration_cast<std::chrono::seconds>(auth.token_ttl()).count()) +
                       "}\n";
    finish(responder, Route::kLogin, start, json_reply(200, std::move(body)));
  }

  // ---- lifecycle -------------------------------------------------------------------
  // Loads a folder of documents into a fresh service; a restart over the same data
  // (documents already stored) loads nothing again.
  void load_folder(const std::string& folder) {
    if (store->document_count() > 0) {
      std::fprintf(stderr, "ragscale serve: %s not loaded: the data directory already holds documents\n",
                   folder.c_str());
      return;
    }
    size_t loaded = 0;
    for (const auto& file : documents_in(folder)) {
      std::string text = read_document(file);
      if (find_invalid_utf8(text) || is_blank(text)) {
        std::fprintf(stderr, "ragscale serve: skipped %s: empty or not UTF-8\n", file.c_str());
        continue;
      }
      schedule_ingestion(store->add_document(document_title(file, text), text));
      generation.fetch_add(1);
      ++loaded;
    }
    std::fprintf(stderr, "ragscale serve: loading %zu documents from %s\n", loaded, folder.c_str());
  }

  void load_index() {
    try {
      auto signature = index_signature(*store, *embedder);
      size_t chunks = 0;
      bool loaded = index->load(index_path(), signature);
      if (loaded) {
        chunks = index->size();
      } else {
        chunks = ingestor->rebuild_index();
      }
      std::fprintf(stderr, "ragscale serve: dense index %s with %zu chunks\n",
                   loaded ? "loaded from its saved file" : "rebuilt from storage", chunks);
      auto jobs = store->unfinished_jobs();
      if (!jobs.empty()) std::fprintf(stderr, "ragscale serve: resuming ingestion of %zu documents\n", jobs.size());
      for (int64_t id : jobs) schedule_ingestion(id);
      generation.fetch_add(1);
      ready.store(true);
      if (!config.load_dir.empty()) load_folder(config.load_dir);
    } catch (const std::exception& e) {
      startup_error = e.what();
      startup_failed.store(true);
      std::fprintf(stderr, "ragscale serve: startup failed: %s\n", e.what());
    }
  }
};

RagService::RagService(ServeConfig config) : state_(std::make_unique<State>(std::move(config))) {}

RagService::~RagService() { shutdown(); }

void RagService::start() {
  auto& s = *state_;
  const auto& config = s.config;
  s.store = std::make_unique<DocumentStore>(config.data_dir);
  // Backend calls block a worker thread each, so one connection per worker suffices.
  size_t backend_connections = static_cast<size_t>(config.workers) + 1;
  try {
    if (config.embedder == "openai") {
      s.embed_client = std::make_unique<BackendClient>(parse_backend_url(config.embed_url), config.embed_key,
                                                       backend_connections);
      s.embedder = std::make_unique<OpenAiEmbedder>(*s.embed_client, config.embed_model, config.embed_batch,
                                                    config.embed_timeout);
    } else {
      s.embedder = std::make_unique<HashingEmbedder>(config.embed_dimension);
    }
    if (!config.llm_url.empty()) {
      // Generations wait on the model, not on our CPU: many can be in flight at once.
      s.llm_client = std::make_unique<BackendClient>(parse_backend_url(config.llm_url), config.llm_key,
                                                     config.llm_connections, config.llm_queue);
      s.generator = std::make_unique<ChatGenerator>(*s.llm_client, config.llm_model, config.llm_timeout);
    }
  } catch (const std::invalid_argument& e) {
    throw std::runtime_error(e.what());
  }
  s.index = std::make_unique<DenseIndex>(s.embedder->dimension(),
                                         HnswOptions{config.hnsw_m, config.hnsw_ef_construction, config.hnsw_ef_search});
  s.retriever = std::make_unique<HybridRetriever>(*s.store, *s.index, *s.embedder, config.candidates, config.rrf_k);
  s.ingestor = std::make_unique<Ingestor>(*s.store, *s.index, *s.embedder,
                                          ChunkerOptions{config.chunk_size, config.chunk_overlap}, config.embed_batch,
                                          [&s] { s.generation.fetch_add(1); });
  s.workers = std::make_unique<WorkerPool>(static_cast<size_t>(config.workers), config.max_queued_tasks, "worker");
  s.ingestion = std::make_unique<WorkerPool>(1, 10'000'000, "ingestion");

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
  options.on_head = [&s](const http::MessageHead& head) { return s.judge_head(head); };
  s.server = std::make_unique<http::HttpServer>(options, [&s](http::Request& request, http::Responder responder) {
    s.handle(request, std::move(responder));
  });
  s.server->start();
  for (auto* loop : s.server->loops()) {
    s.departures.emplace(loop, std::make_unique<DepartureWatch>(*loop, std::chrono::milliseconds(250)));
  }
  s.startup = std::thread([&s] { s.load_index(); });
}

uint16_t RagService::port() const { return state_->server ? state_->server->port() : 0; }

// Ordered so that nothing posts to a destroyed event loop: the server stops (its loops
// stay allocated), model calls still pending end ("shutting down", their answers posted
// to stopped loops are dropped), the workers drain, and only then are the loops freed.
void RagService::shutdown() {
  auto& s = *state_;
  if (s.shut_down) return;
  s.shut_down = true;
  s.stopping.store(true);
  if (s.server) s.server->shutdown(s.config.shutdown_grace);
  s.departures.clear();  // their loops have stopped
  if (s.startup.joinable()) s.startup.join();
  if (s.llm_client) s.llm_client->shutdown();
  if (s.embed_client) s.embed_client->shutdown();
  if (s.workers) s.workers->shutdown();
  if (s.ingestion) s.ingestion->shutdown();
  if (s.index && s.store && s.ready.load()) {
    try {
      s.index->save(s.index_path(), index_signature(*s.store, *s.embedder));
    } catch (const std::exception& e) {
      std::fprintf(stderr, "ragscale serve: could not save the dense index (it will be rebuilt): %s\n", e.what());
    }
  }
  s.server.reset();
  s.store.reset();
}

}  // namespace ragscale::serve
