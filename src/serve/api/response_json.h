// The JSON bodies the service answers with, each shape written in one place.
//
// Contract: every function returns a complete body ending in "\n" except where noted;
// strings are escaped, an empty document error is null.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "serve/retrieval/hybrid_retriever.h"
#include "serve/storage/document_store.h"

namespace ragscale::serve {

// {"documents":[chunks],"degraded":bool} — the search routes.
std::string search_json(const RetrievalResult& result);

// A query answer is kept as its "core" — the response object up to (not including)
// "cached" and "timings", without its closing brace — so a cached answer is re-sent
// without re-serializing it; finish_answer() completes it.
std::string answer_core_json(const std::string& answer, const RetrievalResult& result);
std::string finish_answer(const std::string& core, bool cached, const std::string& timings);
std::string timings_json(double retrieval_ms, double generation_ms, double total_ms);  // no newline
// One Server-Sent Event "token" carrying {"text": text}.
std::string token_frame(std::string_view text);

std::string document_json(const DocumentInfo& info);
std::string document_status_json(const DocumentInfo& info);
std::string document_list_json(const std::vector<DocumentInfo>& documents, int64_t total, int64_t offset,
                               int64_t limit);

}  // namespace ragscale::serve
