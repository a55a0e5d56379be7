// The question routes: POST /query (an answer with sources, plain or streamed) and the
// search routes POST /api/v1/search and GET /retrieval (ranked passages). They validate
// the request on the loop thread and hand it to the QueryPipeline.
//
// Contract: on the loop thread of the request's connection; throw ApiError for bad
// input. A /query whose clients all leave cancels the model call made for it (a
// coalesced answer is cancelled only when its last listener is gone). Streamed answers
// are Server-Sent Events: "token" events, a "fallback" event if the model fails
// part-way (the tokens so far are void; the fallback's follow), then "done" with the
// whole answer object.
#pragma once

#include <chrono>

#include "http/server.h"
#include "serve/api/service_context.h"

namespace ragscale::serve {

void handle_query(ServiceContext& context, http::Request& request, http::Responder& responder,
                  std::chrono::steady_clock::time_point start);
void handle_search(ServiceContext& context, Route route, http::Request& request, http::Responder& responder,
                   std::chrono::steady_clock::time_point start);

}  // namespace ragscale::serve
