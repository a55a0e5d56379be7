#include "serve/storage/sqlite_document_store.h"

#include <chrono>
#include <algorithm>
#include <filesystem>
#include <stdexcept>

#include "serve/storage/private_files.h"

namespace ragscale::serve {
namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS documents (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  title TEXT NOT NULL,
  body TEXT NOT NULL,
  status TEXT NOT NULL,
  chunk_count INTEGER NOT NULL DEFAULT 0,
  error TEXT NOT NULL DEFAULT '',
  created_at INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS chunks (
  id INTEGER PRIMARY KEY AUTOINCREMENT,
  document_id INTEGER NOT NULL,
  ordinal INTEGER NOT NULL,
  text TEXT NOT NULL,
  embedding BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS chunks_by_document ON chunks(document_id);
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_fts USING fts5(text, tokenize = 'unicode61');
CREATE VIRTUAL TABLE IF NOT EXISTS chunks_vocab USING fts5vocab(chunks_fts, 'row');
CREATE TABLE IF NOT EXISTS ingestion_jobs (
  document_id INTEGER PRIMARY KEY,
  queued_at INTEGER NOT NULL
);
)sql";

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void configure(sqlite::Connection& connection) {
  connection.exec("PRAGMA journal_mode=WAL");
  // FULL syncs the WAL at every commit: an acknowledged upload survives power loss.
  connection.exec("PRAGMA synchronous=FULL");
  connection.exec("PRAGMA foreign_keys=OFF");
}

DocumentInfo read_document(sqlite::Statement& s) {
  DocumentInfo info;
  info.id = s.column_int(0);
  info.title = s.column_text(1);
  info.status = s.column_text(2);
  info.chunks = s.column_int(3);
  info.error = s.column_text(4);
  info.created_at = s.column_int(5);
  info.bytes = s.column_int(6);
  return info;
}

constexpr const char* kDocumentColumns =
    "SELECT id, title, status, chunk_count, error, created_at, length(CAST(body AS BLOB)) FROM documents ";

}  // namespace

// Borrows a reader connection for one call and gives it back.
class SqliteDocumentStore::ReaderLease {
 public:
  explicit ReaderLease(SqliteDocumentStore& store) : store_(store), connection_(store.acquire_reader()) {}
  ~ReaderLease() { store_.release_reader(std::move(connection_)); }
  sqlite::Connection& operator*() { return *connection_; }

 private:
  SqliteDocumentStore& store_;
  std::unique_ptr<sqlite::Connection> connection_;
};

namespace {

std::string or_query(const std::vector<std::string>& terms) {
  std::string query;
  for (const auto& term : terms) {
    if (!query.empty()) query += " OR ";
    query += '"';
    query += term;
    query += '"';
  }
  return query;
}

}  // namespace

std::string fts_query_for(std::string_view text) { return or_query(query_terms(text)); }

SqliteDocumentStore::SqliteDocumentStore(const std::string& directory) {
  make_private_directory(directory);
  path_ = (std::filesystem::path(directory) / "ragscale.db").string();
  // SQLite gives the -wal and -shm files the database file's mode.
  make_private_file(path_);
  for (const char* suffix : {"-wal", "-shm"}) {
    if (std::filesystem::exists(path_ + suffix)) make_private_file(path_ + suffix);
  }
  writer_ = std::make_unique<sqlite::Connection>(path_);
  configure(*writer_);
  writer_->exec(kSchema);
}

SqliteDocumentStore::~SqliteDocumentStore() {
  idle_readers_.clear();
  if (writer_) {
    try {
      writer_->exec("PRAGMA wal_checkpoint(TRUNCATE)");
    } catch (...) {
      // A failed checkpoint loses nothing; the WAL is replayed on the next open.
    }
  }
}

std::unique_ptr<sqlite::Connection> SqliteDocumentStore::acquire_reader() {
  {
    std::lock_guard lock(readers_mutex_);
    if (!idle_readers_.empty()) {
      auto connection = std::move(idle_readers_.back());
      idle_readers_.pop_back();
      return connection;
    }
  }
  auto connection = std::make_unique<sqlite::Connection>(path_);
  connection->exec("PRAGMA query_only=ON");
  // Keyword search touches a row of the FTS size table per match: memory-mapped pages
  // and a larger page cache keep those lookups off the read() path.
  connection->exec("PRAGMA mmap_size=1073741824");
  connection->exec("PRAGMA cache_size=-32768");
  return connection;
}

void SqliteDocumentStore::release_reader(std::unique_ptr<sqlite::Connection> connection) {
  std::lock_guard lock(readers_mutex_);
  idle_readers_.push_back(std::move(connection));
}

int64_t SqliteDocumentStore::add_document(std::string_view title, std::string_view text) {
  std::lock_guard lock(writer_mutex_);
  sqlite::Transaction transaction(*writer_);
  int64_t now = unix_now();
  sqlite::Statement insert(*writer_,
                           "INSERT INTO documents(title, body, status, created_at) VALUES (?, ?, 'processing', ?)");
  insert.bind(1, title).bind(2, text).bind(3, now).run();
  int64_t id = writer_->last_insert_id();
  sqlite::Statement job(*writer_, "INSERT INTO ingestion_jobs(document_id, queued_at) VALUES (?, ?)");
  job.bind(1, id).bind(2, now).run();
  transaction.commit();
  return id;
}

std::optional<DocumentInfo> SqliteDocumentStore::document(int64_t id) {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, (std::string(kDocumentColumns) + "WHERE id = ?").c_str());
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return read_document(s);
}

std::vector<DocumentInfo> SqliteDocumentStore::list_documents(int64_t offset, int64_t limit) {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, (std::string(kDocumentColumns) + "ORDER BY id LIMIT ? OFFSET ?").c_str());
  s.bind(1, limit).bind(2, offset);
  std::vector<DocumentInfo> documents;
  while (s.step()) documents.push_back(read_document(s));
  return documents;
}

int64_t SqliteDocumentStore::document_count() {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, "SELECT count(*) FROM documents");
  s.step();
  return s.column_int(0);
}

std::optional<std::string> SqliteDocumentStore::document_text(int64_t id) {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, "SELECT body FROM documents WHERE id = ?");
  s.bind(1, id);
  if (!s.step()) return std::nullopt;
  return s.column_text(0);
}

std::optional<std::vector<int64_t>> SqliteDocumentStore::replace_chunks(int64_t document_id,
                                                                  const std::vector<NewChunk>& chunks) {
  std::lock_guard lock(writer_mutex_);
  sqlite::Transaction transaction(*writer_);
  {
    sqlite::Statement exists(*writer_, "SELECT 1 FROM documents WHERE id = ?");
    exists.bind(1, document_id);
    if (!exists.step()) return std::nullopt;
  }
  sqlite::Statement delete_fts(*writer_,
                               "DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE document_id = ?)");
  delete_fts.bind(1, document_id).run();
  sqlite::Statement delete_chunks(*writer_, "DELETE FROM chunks WHERE document_id = ?");
  delete_chunks.bind(1, document_id).run();

  sqlite::Statement insert(*writer_, "INSERT INTO chunks(document_id, ordinal, text, embedding) VALUES (?, ?, ?, ?)");
  sqlite::Statement insert_fts(*writer_, "INSERT INTO chunks_fts(rowid, text) VALUES (?, ?)");
  std::vector<int64_t> ids;
  ids.reserve(chunks.size());
  for (size_t i = 0; i < chunks.size(); ++i) {
    const auto& chunk = chunks[i];
    insert.reset();
    insert.bind(1, document_id)
        .bind(2, static_cast<int64_t>(i))
        .bind(3, chunk.text)
        .bind_blob(4, chunk.embedding.data(), chunk.embedding.size() * sizeof(float))
        .run();
    int64_t id = writer_->last_insert_id();
    insert_fts.reset();
    insert_fts.bind(1, id).bind(2, chunk.text).run();
    ids.push_back(id);
  }
  sqlite::Statement count(*writer_, "UPDATE documents SET chunk_count = ? WHERE id = ?");
  count.bind(1, static_cast<int64_t>(chunks.size())).bind(2, document_id).run();
  transaction.commit();
  return ids;
}

void SqliteDocumentStore::mark_ready(int64_t document_id) {
  std::lock_guard lock(writer_mutex_);
  sqlite::Transaction transaction(*writer_);
  sqlite::Statement update(*writer_, "UPDATE documents SET status = 'ready', error = '' WHERE id = ?");
  update.bind(1, document_id).run();
  sqlite::Statement job(*writer_, "DELETE FROM ingestion_jobs WHERE document_id = ?");
  job.bind(1, document_id).run();
  transaction.commit();
}

void SqliteDocumentStore::mark_failed(int64_t document_id, std::string_view error) {
  std::lock_guard lock(writer_mutex_);
  sqlite::Transaction transaction(*writer_);
  sqlite::Statement update(*writer_, "UPDATE documents SET status = 'failed', error = ? WHERE id = ?");
  update.bind(1, error).bind(2, document_id).run();
  sqlite::Statement job(*writer_, "DELETE FROM ingestion_jobs WHERE document_id = ?");
  job.bind(1, document_id).run();
  transaction.commit();
}

std::optional<std::vector<int64_t>> SqliteDocumentStore::delete_document(int64_t document_id) {
  std::lock_guard lock(writer_mutex_);
  sqlite::Transaction transaction(*writer_);
  std::vector<int64_t> ids;
  {
    sqlite::Statement select(*writer_, "SELECT id FROM chunks WHERE document_id = ?");
    select.bind(1, document_id);
    while (select.step()) ids.push_back(select.column_int(0));
  }
  sqlite::Statement remove(*writer_, "DELETE FROM documents WHERE id = ?");
  remove.bind(1, document_id).run();
  if (writer_->changes() == 0) return std::nullopt;
  sqlite::Statement delete_fts(*writer_,
                               "DELETE FROM chunks_fts WHERE rowid IN (SELECT id FROM chunks WHERE document_id = ?)");
  delete_fts.bind(1, document_id).run();
  sqlite::Statement delete_chunks(*writer_, "DELETE FROM chunks WHERE document_id = ?");
  delete_chunks.bind(1, document_id).run();
  sqlite::Statement job(*writer_, "DELETE FROM ingestion_jobs WHERE document_id = ?");
  job.bind(1, document_id).run();
  transaction.commit();
  return ids;
}

std::vector<int64_t> SqliteDocumentStore::unfinished_jobs() {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, "SELECT document_id FROM ingestion_jobs ORDER BY document_id");
  std::vector<int64_t> ids;
  while (s.step()) ids.push_back(s.column_int(0));
  return ids;
}

std::vector<std::pair<int64_t, double>> SqliteDocumentStore::keyword_search(std::string_view query, size_t limit) {
  auto terms = query_terms(query);
  if (terms.empty() || limit == 0) return {};
  ReaderLease reader(*this);
  if (terms.size() > 1) {
    // BM25 scores every chunk matching any term, so one very common term makes a query
    // cost as much as the corpus is large while adding almost nothing to the ranking
    // (its IDF is near zero). Such terms are left out when rarer ones remain.
    sqlite::Statement frequency(*reader, "SELECT doc FROM chunks_vocab WHERE term = ?");
    std::vector<std::pair<int64_t, std::string>> by_frequency;
    for (auto& term : terms) {
      frequency.reset();
      frequency.bind(1, term);
      by_frequency.emplace_back(frequency.step() ? frequency.column_int(0) : 0, std::move(term));
    }
    std::stable_sort(by_frequency.begin(), by_frequency.end(),
                     [](const auto& a, const auto& b) { return a.first < b.first; });
    terms.clear();
    for (auto& [documents, term] : by_frequency) {
      if (terms.empty() || documents <= kCommonTermChunks) terms.push_back(std::move(term));
    }
  }
  std::string match = or_query(terms);
  // bm25() is lower-is-better; negate so every score in the service reads higher-is-better.
  sqlite::Statement s(*reader,
                      "SELECT rowid, -bm25(chunks_fts) FROM chunks_fts WHERE chunks_fts MATCH ? "
                      "ORDER BY bm25(chunks_fts) LIMIT ?");
  s.bind(1, match).bind(2, static_cast<int64_t>(limit));
  std::vector<std::pair<int64_t, double>> hits;
  while (s.step()) hits.emplace_back(s.column_int(0), s.column_double(1));
  return hits;
}

std::vector<StoredChunk> SqliteDocumentStore::chunks(const std::vector<int64_t>& ids) {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader,
                      "SELECT c.id, c.document_id, d.title, c.text FROM chunks c JOIN documents d "
                      "ON d.id = c.document_id WHERE c.id = ?");
  std::vector<StoredChunk> found;
  for (int64_t id : ids) {
    s.reset();
    s.bind(1, id);
    if (s.step()) found.push_back({s.column_int(0), s.column_int(1), s.column_text(2), s.column_text(3)});
  }
  return found;
}

void SqliteDocumentStore::for_each_embedding(
    const std::function<void(int64_t chunk_id, const float* vector, size_t dimension)>& visit) {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, "SELECT id, embedding FROM chunks ORDER BY id");
  while (s.step()) {
    visit(s.column_int(0), static_cast<const float*>(s.column_blob(1)), s.column_bytes(1) / sizeof(float));
  }
}

int64_t SqliteDocumentStore::chunk_count() {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, "SELECT count(*) FROM chunks");
  s.step();
  return s.column_int(0);
}

int64_t SqliteDocumentStore::max_chunk_id() {
  ReaderLease reader(*this);
  sqlite::Statement s(*reader, "SELECT coalesce(max(id), 0) FROM chunks");
  s.step();
  return s.column_int(0);
}

}  // namespace ragscale::serve
