// RequestRouter: the service's front door. It judges each request on its head (unknown
// path, method not allowed, a cross-site post while auth is off, missing or invalid
// credentials, then the client's rate limit — all refused before any body byte is read,
// so a refused request costs no upload), sets the route's body limit and the
// X-RateLimit-* headers of the answer, then hands each accepted request to its
// route: the probes (/health, /ready, /startup, /metrics) here, questions to
// query_routes, documents to document_routes, logins to login_route.
//
// Contract: judge_head() and handle() run on the loop threads; every error becomes
// {"error":{"code","message"}} with its status and the service keeps serving. /ready
// stays 200 while degraded answers are possible (an open model breaker must not get
// every replica killed) and its body names each dependency's state.
#pragma once

#include <chrono>

#include "http/server.h"
#include "serve/api/service_context.h"

namespace ragscale::serve {

class RequestRouter {
 public:
  explicit RequestRouter(ServiceContext& context) : context_(context) {}

  http::HeadDecision judge_head(const http::MessageHead& head);
  void handle(http::Request& request, http::Responder responder);

 private:
  std::optional<Reply> refusal(const MatchedRoute& matched, const std::string& method, std::string_view path,
                               const http::Headers& headers);
  void dispatch(const MatchedRoute& matched, http::Request& request, http::Responder& responder,
                std::chrono::steady_clock::time_point start);
  Reply readiness(Route route) const;

  ServiceContext& context_;
};

}  // namespace ragscale::serve
