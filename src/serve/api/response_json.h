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
// `degraded_reason` says why the answer is degraded, as a short code ("llm_circuit_open",
// "llm_timeout", ...); empty for a full answer — unless retrieval itself was degraded,
// which reads "embedder_unavailable".
std::string answer_core_json(const std::string& answer, const RetrievalResult& result,
                             std::string_view degraded_reason = {});
// A cached core served after its time-to-live because the model failed: marked
// degraded with `reason` and "stale": true.
std::string stale_core(const std::string& core, std::string_view reason);
// The "answer" field of a core (for re-streaming a cached answer); empty if unreadable.
std::string answer_of_core(const std::string& core);
// The SSE event that tells a streaming client the model failed part-way: the tokens
// sent so far are void and the fallback answer's tokens follow.
std::string fallback_frame(std::string_view reason);
// `mode` is the rung of the degradation ladder the answer was made in: "full",
// "reduced", "extractive" or "cached".
std::string finish_answer(const std::string& core, bool cached, const std::string& timings,
                          std::string_view mode = "full");
std::string timings_json(double retrieval_ms, double generation_ms, double total_ms);  // no newline
// One Server-Sent Event "token" carrying {"text": text}.
std::string token_frame(std::string_view text);

std::string document_json(const DocumentInfo& info);
std::string document_status_json(const DocumentInfo& info);
std::string document_list_json(const std::vector<DocumentInfo>& documents, int64_t total, int64_t offset,
                               int64_t limit);

}  // namespace ragscale::serve
