// HybridRetriever: finds the chunks that best answer a query by running keyword search
// (BM25 over SQLite FTS5) and dense search (HNSW over embeddings) and fusing the two
// rankings with reciprocal-rank fusion. When the embedder fails, the keyword ranking
// alone is used and the result is marked degraded. Thread-safe (its parts are).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "serve/embed/embedder.h"
#include "serve/retrieval/dense_index.h"
#include "serve/storage/document_store.h"

namespace ragscale::serve {

struct RetrievedChunk {
  int64_t chunk_id = 0;
  int64_t document_id = 0;
  std::string title;
  std::string text;
  double score = 0;  // fused RRF score, higher is better
};

struct RetrievalResult {
  std::vector<RetrievedChunk> chunks;
  bool degraded = false;
  std::string degraded_reason;
  uint64_t index_generation = 0;  // the index generation it was searched on (set by the query path)
  bool stale = false;             // served from an older generation because the service shed load
};

class HybridRetriever {
 public:
  HybridRetriever(DocumentStore& store, DenseIndex& index, Embedder& embedder, size_t candidates, double rrf_k)
      : store_(store), index_(index), embedder_(embedder), candidates_(candidates), rrf_k_(rrf_k) {}

  // Embeds the query with the embedder, then searches as below.
  RetrievalResult search(std::string_view query, size_t top_k);
  // With the query's embedding already made (query-time batching); null means dense
  // retrieval is unavailable (`why` says why) and the keyword ranking stands alone,
  // marked degraded.
  RetrievalResult search_with(std::string_view query, size_t top_k, const Embedding* query_vector,
                              std::string_view why = {});

 private:
  DocumentStore& store_;
  DenseIndex& index_;
  Embedder& embedder_;
  size_t candidates_;
  double rrf_k_;
};

}  // namespace ragscale::serve
