// The document routes: upload (multipart, JSON or plain text), list, status, read and
// delete, and the ingestion queue behind them (also used by --load-dir at start).
//
// Contract: handlers run on the loop thread, parse there and do storage work on the
// worker pool; a document is durable in storage before its 201; ingestion runs on its
// own queue, waits until the dense index is loaded, and a job not run before shutdown
// stays in storage for the next start.
#pragma once

#include <chrono>
#include <string>

#include "http/server.h"
#include "serve/api/service_context.h"

namespace ragscale::serve {

void handle_upload(ServiceContext& context, http::Request& request, http::Responder& responder,
                   std::chrono::steady_clock::time_point start);
void handle_list(ServiceContext& context, http::Request& request, http::Responder& responder,
                 std::chrono::steady_clock::time_point start);
void handle_document(ServiceContext& context, const MatchedRoute& matched, http::Request& request,
                     http::Responder& responder, std::chrono::steady_clock::time_point start);

void schedule_ingestion(ServiceContext& context, int64_t id);
// Loads a folder of documents into a fresh service; a restart over the same data
// (documents already stored) loads nothing again.
void load_folder(ServiceContext& context, const std::string& folder);

}  // namespace ragscale::serve
