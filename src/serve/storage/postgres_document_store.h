// PostgresDocumentStore: the DocumentStore in a PostgreSQL database that several
// replicas of the service share (--store postgres://user@host:port/db).
//
// Beyond DocumentStore's contract:
// - The schema is created and migrated at start under an advisory lock, so replicas
//   starting together do it once; schema_version records the version reached.
// - Full-text: chunks carry a generated tsvector ('simple' configuration, like SQLite's
//   unicode61: no stemming) with a GIN index, ranked by ts_rank_cd.
// - Statements run on a pool of connections with connect and statement deadlines; a
//   database that is down gives StoreUnavailable quickly, never a hang.
// - Every ready or deleted document is a row of chunk_changes, written in the same
//   transaction and announced with NOTIFY ragscale_changes: change_feed() is how the
//   other replicas keep their dense index current (see change_feed.h).
// - Unfinished jobs are taken by one replica: each is claimed with a session advisory
//   lock that the replica holds until the job ends or its connection closes.
#pragma once

#include <memory>
#include <mutex>
#include <string>

#include "serve/storage/change_feed.h"
#include "serve/storage/document_store.h"
#include "serve/storage/postgres_pool.h"

namespace ragscale::serve {

struct PostgresStoreOptions {
  pg::ConnectOptions connect;
  size_t connections = 8;
};

class PostgresDocumentStore : public DocumentStore, public ChangeFeed {
 public:
  // Connects, creates or migrates the schema; throws StoreUnavailable (unreachable,
  // refused) or std::runtime_error.
  explicit PostgresDocumentStore(PostgresStoreOptions options);
  ~PostgresDocumentStore() override;

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
  ChangeFeed* change_feed() override { return this; }
  bool keeps_saved_index() const override { return false; }

  // ChangeFeed
  int64_t latest_seq() override;
  std::vector<StoreChange> changes_after(int64_t seq, size_t limit) override;
  std::vector<ChunkVector> embeddings(const std::vector<int64_t>& chunk_ids) override;
  void wait(std::chrono::milliseconds timeout) override;
  void interrupt() override;
  void prune(std::chrono::seconds keep) override;

 private:
  class Listener;
  void migrate();
  void release_job(int64_t document_id);

  PostgresStoreOptions options_;
  pg::PostgresPool pool_;
  std::string origin_;  // this process's name in chunk_changes.origin
  // Holds the advisory locks of the jobs this replica runs.
  std::mutex jobs_mutex_;
  std::unique_ptr<pg::Connection> jobs_connection_;
  std::unique_ptr<Listener> listener_;
};

}  // namespace ragscale::serve
