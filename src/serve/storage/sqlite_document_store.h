// SqliteDocumentStore: the DocumentStore in one SQLite database (WAL mode,
// synchronous=FULL) under the data directory, with an FTS5 (BM25) index over the
// chunks. The directory (when it creates it) is 0700 and the database files 0600:
// documents are readable only by the service's user.
//
// Beyond DocumentStore's contract: add_document() is synced (FULL); ids come from
// AUTOINCREMENT; writes are serialized on one connection; reads use a pool of
// connections and run concurrently with writes (WAL). Errors carry SQLite's message.
#pragma once

#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "serve/storage/document_store.h"
#include "serve/storage/sqlite.h"

namespace ragscale::serve {

class SqliteDocumentStore : public DocumentStore {
 public:
  // Creates the directory's database if needed. Throws on failure.
  explicit SqliteDocumentStore(const std::string& directory);
  ~SqliteDocumentStore() override;

  int64_t add_document(std::string_view title, std::string_view text) override;
  std::optional<DocumentInfo> document(int64_t id) override;
  std::vector<DocumentInfo> list_documents(int64_t offset, int64_t limit) override;
  int64_t document_count() override;
  std::optional<std::string> document_text(int64_t id) override;
  std::optional<std::vector<int64_t>> replace_chunks(int64_t document_id, const std::vector<NewChunk>& chunks) override;
  void mark_ready(int64_t document_id) override;
  void mark_failed(int64_t document_id, std::string_view error) override;
  std::optional<std::vector<int64_t>> delete_document(int64_t document_id) override;
  std::vector<int64_t> unfinished_jobs() override;
  std::vector<std::pair<int64_t, double>> keyword_search(std::string_view query, size_t limit) override;
  std::vector<StoredChunk> chunks(const std::vector<int64_t>& ids) override;
  void for_each_embedding(
      const std::function<void(int64_t chunk_id, const float* vector, size_t dimension)>& visit) override;
  int64_t chunk_count() override;
  int64_t max_chunk_id() override;

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
