// DocumentStore: the service's durable state — documents with their text, chunks with
// their embeddings, a full-text index over the chunks, and the ingestion jobs not
// finished yet — behind one interface with two implementations: SqliteDocumentStore
// (embedded, the default) and PostgresDocumentStore (shared by several replicas).
// open_document_store() (store_factory.h) picks one from the --store setting.
//
// Contract (every implementation):
// - add_document() returns only after the document and its ingestion job are committed
//   and durable: a kill -9 right after cannot lose it.
// - A job stays until mark_ready() or mark_failed(); unfinished_jobs() lists them at
//   start so ingestion resumes. replace_chunks() is idempotent per document.
// - Ids only grow: a deleted document's or chunk's id is never reused.
// - Thread-safe.
// - Errors throw std::runtime_error; StoreUnavailable when the store cannot be reached
//   (the service answers those with 503, not 500).
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "serve/storage/store_unavailable.h"

namespace ragscale::serve {

struct DocumentInfo {
  int64_t id = 0;
  std::string title;
  std::string status;  // processing | ready | failed
  int64_t chunks = 0;
  std::string error;
  int64_t created_at = 0;  // Unix seconds
  int64_t bytes = 0;
};

struct StoredChunk {
  int64_t id = 0;
  int64_t document_id = 0;
  std::string title;
  std::string text;
};

struct NewChunk {
  std::string text;
  std::vector<float> embedding;
};

class ChangeFeed;

class DocumentStore {
 public:
  virtual ~DocumentStore() = default;

  virtual int64_t add_document(std::string_view title, std::string_view text) = 0;
  virtual std::optional<DocumentInfo> document(int64_t id) = 0;
  virtual std::vector<DocumentInfo> list_documents(int64_t offset, int64_t limit) = 0;
  virtual int64_t document_count() = 0;
  virtual std::optional<std::string> document_text(int64_t id) = 0;

  // Replaces the document's chunks; nullopt (nothing written) if the document is gone.
  virtual std::optional<std::vector<int64_t>> replace_chunks(int64_t document_id,
                                                             const std::vector<NewChunk>& chunks) = 0;
  virtual void mark_ready(int64_t document_id) = 0;
  virtual void mark_failed(int64_t document_id, std::string_view error) = 0;
  // The removed chunks' ids, or nullopt when there was no such document.
  virtual std::optional<std::vector<int64_t>> delete_document(int64_t document_id) = 0;
  virtual std::vector<int64_t> unfinished_jobs() = 0;

  // Full-text ranking over chunk text: (chunk id, score) best first, higher is better.
  // Terms found in more than 1,000 chunks are dropped from multi-term queries while a
  // rarer term remains, which bounds the cost on large corpora (dense retrieval still
  // sees the whole question).
  virtual std::vector<std::pair<int64_t, double>> keyword_search(std::string_view query, size_t limit) = 0;
  // The chunks that still exist, in the order of `ids`.
  virtual std::vector<StoredChunk> chunks(const std::vector<int64_t>& ids) = 0;
  virtual void for_each_embedding(
      const std::function<void(int64_t chunk_id, const float* vector, size_t dimension)>& visit) = 0;
  virtual int64_t chunk_count() = 0;
  virtual int64_t max_chunk_id() = 0;

  // Shared stores tell each replica of the others' changes; an embedded one has no feed.
  virtual ChangeFeed* change_feed() { return nullptr; }
  // False when the dense index must be built from the store at every start (a shared
  // store changes while this replica is down, so a saved graph cannot be trusted).
  virtual bool keeps_saved_index() const { return true; }
};

// The words of a user's question as the full-text indexes see them: lower-cased,
// deduplicated, at most 32.
std::vector<std::string> query_terms(std::string_view text);

// Above this many matching chunks a query term counts as common (see keyword_search).
inline constexpr int64_t kCommonTermChunks = 1000;

}  // namespace ragscale::serve
