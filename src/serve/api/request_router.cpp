#include "serve/api/request_router.h"

#include "serve/api/api_error.h"
#include "serve/api/document_routes.h"
#include "serve/api/login_route.h"
#include "serve/api/origin_check.h"
#include "serve/api/query_routes.h"

namespace ragscale::serve {
namespace {

using Clock = std::chrono::steady_clock;

bool is_probe(Route route) {
  return route == Route::kHealth || route == Route::kReady || route == Route::kStartup || route == Route::kMetrics;
}

// A breaker's state as /ready names it.
std::string dependency_state(const BreakerReading& reading) { return reading.value == 0 ? "ok" : reading.state; }

http::Response as_response(Reply reply) {
  http::Response response;
  response.status = reply.status;
  response.headers = std::move(reply.headers);
  response.headers.add("Content-Type", reply.content_type);
  response.body = std::move(reply.body);
  return response;
}

}  // namespace

std::optional<Reply> RequestRouter::refusal(const MatchedRoute& matched, const std::string& method,
                                            std::string_view path, const http::Headers& headers) {
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
  if (!context_.auth.enabled()) {
    if (auto why = cross_site_refusal(method, headers, context_.config.host)) return error_reply(403, *why);
  }
  bool open_route = is_probe(matched.route) || matched.route == Route::kLogin;
  if (!open_route && !context_.auth.allows(headers)) {
    Reply reply = error_reply(401, "missing or invalid credentials: send X-API-Key: KEY or "
                                   "Authorization: Bearer KEY");
    reply.headers.add("WWW-Authenticate", "Bearer");
    return reply;
  }
  return std::nullopt;
}

http::HeadDecision RequestRouter::judge_head(const http::MessageHead& head) {
  std::string_view target = head.target;
  std::string_view path = target.substr(0, target.find('?'));
  auto matched = match_route(path);
  http::HeadDecision decision;
  bool upload = matched.route == Route::kUpload || (matched.route == Route::kList && head.method == "POST");
  decision.body_limit = upload ? context_.config.max_upload_bytes : context_.config.max_body_bytes;
  if (auto reply = refusal(matched, head.method, path, head.headers)) {
    context_.metrics.record(route_label(matched.route), reply->status, 0.0);
    decision.refuse = as_response(std::move(*reply));
    return decision;
  }
  // Only a request known to be whose it claims (authenticated) spends tokens: an
  // unauthenticated one got its 401 above and cannot drain someone else's bucket.
  if (context_.rate_limits.applies(matched.route, upload)) {
    auto identity = client_identity(head.headers, head.peer_address, context_.auth.enabled());
    auto limit = context_.rate_limits.decide(identity, matched.route, upload, Clock::now());
    if (!limit.allowed) {
      context_.metrics.rate_limited(route_label(matched.route));
      context_.metrics.record(route_label(matched.route), 429, 0.0);
      Reply reply = error_reply(429, limit.message);
      reply.headers = std::move(limit.headers);
      decision.refuse = as_response(std::move(reply));
      return decision;
    }
    decision.response_headers = std::move(limit.headers);
  }
  return decision;
}

// Every request that reaches here passed judge_head (the server consults it first).
void RequestRouter::handle(http::Request& request, http::Responder responder) {
  auto start = Clock::now();
  auto matched = match_route(request.path());
  try {
    dispatch(matched, request, responder, start);
  } catch (const ApiError& e) {
    context_.finish(responder, matched.route, start, error_reply(e.status(), e.what()));
  } catch (const std::exception& e) {
    context_.finish(responder, matched.route, start, error_reply(500, std::string("internal error: ") + e.what()));
  }
}

void RequestRouter::dispatch(const MatchedRoute& matched, http::Request& request, http::Responder& responder,
                             Clock::time_point start) {
  switch (matched.route) {
    case Route::kHealth:
      context_.finish(responder, matched.route, start, json_reply(200, "{\"status\":\"ok\"}\n"));
      return;
    case Route::kReady:
    case Route::kStartup:
      context_.finish(responder, matched.route, start, readiness(matched.route));
      return;
    case Route::kMetrics: {
      Reply reply = json_reply(200, context_.metrics.render(context_.gauges()) +
                                        context_.pipeline_metrics.render(context_.breakers()));
      reply.content_type = "text/plain; version=0.0.4";
      context_.finish(responder, matched.route, start, std::move(reply));
      return;
    }
    case Route::kQuery:
      handle_query(context_, request, responder, start);
      return;
    case Route::kSearch:
    case Route::kRetrieval:
      handle_search(context_, matched.route, request, responder, start);
      return;
    case Route::kUpload:
      handle_upload(context_, request, responder, start);
      return;
    case Route::kList:
      if (request.method == "POST") {
        handle_upload(context_, request, responder, start);
      } else {
        handle_list(context_, request, responder, start);
      }
      return;
    case Route::kStatus:
    case Route::kDocument:
      handle_document(context_, matched, request, responder, start);
      return;
    case Route::kLogin:
      handle_login(context_, request, responder, start);
      return;
    case Route::kUnknown:
      break;
  }
}

Reply RequestRouter::readiness(Route route) const {
  bool up = context_.ready.load() && !(route == Route::kReady && context_.stopping.load());
  if (!up) {
    std::string why = context_.stopping.load()         ? "shutting down"
                      : context_.startup_failed.load() ? "startup failed: " + context_.startup_error
                                                       : "storage or index still loading";
    return error_reply(503, "not ready: " + why);
  }
  // Ready while any answer can be given: an open breaker means degraded answers, not
  // none, so the body says so without failing the probe.
  std::string body = "{\"status\":\"ready\",\"dependencies\":{\"storage\":\"ok\"";
  bool degraded = false;
  for (const auto& reading : context_.breakers()) {
    body += ",\"" + reading.backend + "\":\"" + dependency_state(reading) + "\"";
    degraded = degraded || reading.value != 0;
  }
  if (context_.redis) {
    bool redis_up = context_.redis->up();
    body += std::string(",\"redis\":\"") + (redis_up ? "ok" : "down") + "\"";
    degraded = degraded || !redis_up;
  }
  body += "},\"degraded\":";
  body += degraded ? "true" : "false";
  body += "}\n";
  return json_reply(200, std::move(body));
}

}  // namespace ragscale::serve
