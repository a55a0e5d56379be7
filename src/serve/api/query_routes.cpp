#include "serve/api/query_routes.h"


#include "http/response_format.h"
#include "serve/api/api_error.h"
#include "serve/api/json_input.h"
#include "serve/api/request_params.h"
#include "serve/api/response_json.h"
#include "serve/text/utf8.h"

namespace ragscale::serve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int64_t kMaxSources = 50;

QueryParameters parse_query(const ServiceContext& context, const http::Request& request) {
  JsonInput input(request.body);
  QueryParameters q;
  auto question = input.string("question");
  if (!question) question = input.string("query");
  if (!question) throw ApiError(400, "field \"question\" (or \"query\") is required");
  if (is_blank(*question)) throw ApiError(400, "field \"question\" must not be blank");
  context.check_question(*question);
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

// A question the pipeline could not answer; overload (503) says when to come back.
Reply failure_reply(const FlightResult& result) {
  Reply reply = json_reply(result.status, result.error_body);
  if (result.status == 503) reply.headers.add("Retry-After", "1");
  return reply;
}

// The final "done" event of a streamed answer.
std::string done_frame(const FlightResult& result) {
  std::string done = finish_answer(result.core, result.cached, result.timings, result.mode);
  done.pop_back();  // the newline; SSE data lines carry none
  return http::sse_frame(done, "done");
}

// One streamed answer on its connection's loop: the stream starts with the first frame
// (or with the answer, if it arrives whole), so an error before any frame can still be
// answered with its status.
struct StreamState {
  bool started = false;
  bool any_frame = false;
  void start(http::Responder& responder) {
    if (started) return;
    started = true;
    http::Headers headers;
    headers.add("Cache-Control", "no-cache");
    responder.start_stream(200, "text/event-stream", headers);
  }
};

AnswerFlight::Listener stream_listener(ServiceContext& context, http::Responder responder, Clock::time_point start,
                                       std::shared_ptr<CancelSignal> gone) {
  net::EventLoop* loop = responder.loop();
  auto state = std::make_shared<StreamState>();
  AnswerFlight::Listener listener;
  listener.on_frame = [loop, responder, state, gone](const std::string& frame) {
    loop->post([r = responder, state, gone, frame]() mutable {
      state->start(r);
      state->any_frame = true;
      if (!r.write(frame)) gone->cancel();  // a client that went away also shows here
    });
  };
  listener.on_done = [&context, loop, responder, state, start, gone](const FlightResult& result) {
    loop->post([&context, r = responder, state, start, gone, result]() mutable {
      if (result.status != 200 && !state->started) {
        context.finish(r, Route::kQuery, start, failure_reply(result));
        return;
      }
      if (result.status == 200) context.pipeline_metrics.mode(result.mode);
      context.metrics.record(route_label(Route::kQuery), 200,
                             std::chrono::duration<double>(Clock::now() - start).count());
      state->start(r);
      // An answer that arrived whole (cached, or joined after its tokens went out)
      // still reaches the client as a token before the final event.
      if (!state->any_frame && result.status == 200) r.write(token_frame(answer_of_core(result.core)));
      if (result.status == 200) r.write(done_frame(result));
      r.finish();
    });
  };
  return listener;
}

AnswerFlight::Listener plain_listener(ServiceContext& context, http::Responder responder, Clock::time_point start,
                                      std::shared_ptr<CancelSignal> gone) {
  net::EventLoop* loop = responder.loop();
  AnswerFlight::Listener listener;
  listener.on_done = [&context, loop, responder, start, gone](const FlightResult& result) {
    loop->post([&context, r = responder, start, result]() mutable {
      if (result.status != 200) {
        context.finish(r, Route::kQuery, start, failure_reply(result));
        return;
      }
      context.pipeline_metrics.mode(result.mode);
      context.finish(r, Route::kQuery, start,
                     json_reply(200, finish_answer(result.core, result.cached, result.timings, result.mode)));
    });
  };
  return listener;
}

}  // namespace

void handle_query(ServiceContext& context, http::Request& request, http::Responder& responder, Clock::time_point start) {
  QueryParameters q = parse_query(context, request);
  context.require_ready();
  // Fired when this request's client goes away: it leaves the answer's flight (the last
  // to leave cancels the model call). The listener holds it for as long as it listens.
  auto gone = std::make_shared<CancelSignal>();
  auto listener = q.stream ? stream_listener(context, responder, start, gone)
                           : plain_listener(context, responder, start, gone);
  auto ticket = context.pipeline->answer(q, std::move(listener), start);
  if (!ticket || ticket->listener == 0) return;  // answered already
  std::weak_ptr<AnswerFlight> flight = ticket->flight;
  uint64_t id = ticket->listener;
  gone->on_cancel([flight, id] {
    if (auto f = flight.lock()) f->leave(id);
  });
  context.departures.at(responder.loop())->watch(responder, gone);
}

void handle_search(ServiceContext& context, Route route, http::Request& request, http::Responder& responder,
                   Clock::time_point start) {
  std::optional<std::string> query;
  int64_t top_k = 4;
  if (route == Route::kSearch) {
    JsonInput input(request.body);
    query = input.string("query");
    if (!query) query = input.string("question");
    if (!query || is_blank(*query)) throw ApiError(400, "field \"query\" is required and must not be blank");
    top_k = input.integer("top_k", 1, kMaxSources).value_or(4);
  } else {
    query = request.query_param("q");
    if (!query) query = request.query_param("query");
    if (!query || is_blank(*query)) throw ApiError(400, "query parameter q is required, e.g. /retrieval?q=hnsw");
    if (find_invalid_utf8(*query)) throw ApiError(400, "query parameter q is not valid UTF-8");
    top_k = query_int(request, "top_k", 1, kMaxSources, 4);
  }
  context.check_question(*query);
  context.require_ready();
  net::EventLoop* loop = responder.loop();
  context.pipeline->search(*query, static_cast<size_t>(top_k),
                           [&context, loop, responder, route, start](std::shared_ptr<const RetrievalResult> result,
                                                                     int status, std::string error) {
                             Reply reply = result ? json_reply(200, search_json(*result))
                                          : status == 503 ? busy_reply(error)
                                                          : error_reply(status, error);
                             loop->post([&context, r = responder, route, start, reply = std::move(reply)]() mutable {
                               context.finish(r, route, start, std::move(reply));
                             });
                           });
}

}  // namespace ragscale::serve
