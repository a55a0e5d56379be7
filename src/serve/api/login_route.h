// POST /auth/login: a bearer token for a configured user, throttled after failures
// (per user and per client address) with 429 and Retry-After.
#pragma once

#include <chrono>

#include "http/server.h"
#include "serve/api/service_context.h"

namespace ragscale::serve {

void handle_login(ServiceContext& context, http::Request& request, http::Responder& responder,
                  std::chrono::steady_clock::time_point start);

}  // namespace ragscale::serve
