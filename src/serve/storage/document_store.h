// DocumentStore: the service's durable state in one SQLite database (WAL mode,
// synchronous=FULL) under the data directory: documents with their text, chunks with
// their embeddings, a full-text (FTS5, BM25) index over the chunks, and the ingestion
// jobs not finished yet. The directory (when it creates it) is 0700 and the database
// files 0600: documents are readable only by the service's user.
//
// Contract:
// - add_document() returns only after the document and its ingestion job are committed
//   and synced: a kill -9 right after cannot lose it.
// - A job stays until mark_ready() or mark_failed(); unfinished_jobs() lists them at
//   start so ingestion resumes. replace_chunks() is idempotent per document.
// - Ids only grow (AUTOINCREMENT): a deleted document's or chunk's id is never reused.
// - Thread-safe: writes are serialized on one connection; reads use a pool of
//   connections and run concurrently with writes (WAL).
// - Errors throw std::runtime_error with SQLite's message.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/storage/sqlite.h"

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

class DocumentStore {
 public:
  // Creates the directory's database if needed. Throws on failure.
  explicit DocumentStore(const std::string& directory);
  ~DocumentStore();

  int64_t add_document(std::string_view title, std::string_view text);
  std::optional<DocumentInfo> document(int64_t id);
  std::vector<DocumentInfo> list_documents(int64_t offset, int64_t limit);
  int64_t document_count();
  std::optional<std::string> document_text(int64_t id);

  // Replaces the document's chunks; nullopt (nothing written) if the document is gone.
  std::optional<std::vector<int64_t>> replace_chunks(int64_t document_id, const std::vector<NewChunk>& chunks);
  void mark_ready(int64_t document_id);
  void mark_failed(int64_t document_id, std::string_view error);
  // The removed chunks' ids, or nullopt when there was no such document.
  std::optional<std::vector<int64_t>> delete_document(int64_t document_id);
  std::vector<int64_t> unfinished_jobs();

  // BM25 over chunk text: (chunk id, score) best first, score higher is better. Terms
  // found in more than 1,000 chunks are dropped from multi-term queries while a rarer
  // term remains, which bounds the cost on large corpora (dense retrieval still sees
  // the whole question).
  std::vector<std::pair<int64_t, double>> keyword_search(std::string_view query, size_t limit);
  // The chunks that still exist, in the order of `ids`.
  std::vector<StoredChunk> chunks(const std::vector<int64_t>& ids);
  void for_each_embedding(const std::function<void(int64_t chunk_id, const float* vector, size_t dimension)>& visit);
  int64_t chunk_count();
  int64_t max_chunk_id();

 private:
  class ReaderLease;
  std::unique_ptr<sqlite::Connection> acquire_reader();
  void release_reader(std::unique_ptr<sqlite::Connection> connection);

  std::string path_;
  std::mutex writer_mutex_;
  std::unique_ptr<sqlite::Connection> writer_;
  std::mutex readers_mutex_;
  std::vector<std::unique_ptr<sqlite::Connection>> idle_readers_;
};

// The FTS5 query for a user's text: its words, quoted, OR-ed; empty if it has none.
std::string fts_query_for(std::string_view text);

}  // namespace ragscale::serve
