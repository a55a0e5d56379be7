#include "serve/retrieval/hybrid_retriever.h"

#include <algorithm>
#include <unordered_map>

#include "serve/retrieval/rank_fusion.h"

namespace ragscale::serve {

RetrievalResult HybridRetriever::search(std::string_view query, size_t top_k) {
  std::vector<Embedding> vectors;
  try {
    vectors = embedder_.embed({std::string(query)});
  } catch (const std::exception& e) {
    return search_with(query, top_k, nullptr, e.what());
  }
  return search_with(query, top_k, vectors.empty() ? nullptr : &vectors[0], "the embedder returned no vector");
}

RetrievalResult HybridRetriever::search_with(std::string_view query, size_t top_k, const Embedding* query_vector,
                                             std::string_view why) {
  RetrievalResult result;
  size_t wanted = std::max(candidates_, top_k);
  std::vector<std::vector<int64_t>> rankings(2);
  for (const auto& [id, score] : store_.keyword_search(query, wanted)) rankings[0].push_back(id);
  if (query_vector && query_vector->size() == index_.dimension()) {
    for (const auto& [id, similarity] : index_.search(query_vector->data(), wanted)) {
      if (similarity > 0) rankings[1].push_back(id);  // orthogonal vectors share nothing
    }
  } else {
    result.degraded = true;
    result.degraded_reason = "dense retrieval unavailable: " +
                             std::string(query_vector ? "the embedding has the wrong dimension" : why);
  }
  // Fuse more than needed: a chunk deleted since it was indexed drops out below.
  auto fused = reciprocal_rank_fusion(rankings, rrf_k_, top_k + 8);
  std::vector<int64_t> ids;
  ids.reserve(fused.size());
  for (const auto& hit : fused) ids.push_back(hit.id);
  auto stored = store_.chunks(ids);
  std::unordered_map<int64_t, const StoredChunk*> by_id;
  for (const auto& chunk : stored) by_id.emplace(chunk.id, &chunk);
  for (const auto& hit : fused) {
    if (result.chunks.size() >= top_k) break;
    auto found = by_id.find(hit.id);
    if (found == by_id.end()) continue;
    const auto& chunk = *found->second;
    result.chunks.push_back({chunk.id, chunk.document_id, chunk.title, chunk.text, hit.score});
  }
  return result;
}

}  // namespace ragscale::serve
