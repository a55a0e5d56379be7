#include "serve/storage/postgres_document_store.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <random>
#include <unordered_map>

namespace ragscale::serve {
namespace {

using pg::Connection;
using pg::Param;
using pg::Retry;

// Advisory lock keys: 'ragscale' in ASCII, and the classes beside it.
constexpr int64_t kSchemaLock = 0x7261677363616c65;
constexpr int64_t kFeedLock = kSchemaLock + 1;
constexpr int kJobLockClass = 0x72616773;  // two-key form: (class, document id)

constexpr const char* kChannel = "ragscale_changes";

// Migration N brings the schema from version N-1 to N. Append, never edit.
const std::vector<const char*>& migrations() {
  static const std::vector<const char*> steps = {
      R"sql(
CREATE TABLE documents (
  id bigserial PRIMARY KEY,
  title text NOT NULL,
  body text NOT NULL,
  status text NOT NULL,
  chunk_count integer NOT NULL DEFAULT 0,
  error text NOT NULL DEFAULT '',
  created_at bigint NOT NULL
);
CREATE TABLE chunks (
  id bigserial PRIMARY KEY,
  document_id bigint NOT NULL,
  ordinal integer NOT NULL,
  text text NOT NULL,
  embedding bytea NOT NULL,
  tsv tsvector GENERATED ALWAYS AS (to_tsvector('simple', text)) STORED
);
CREATE INDEX chunks_by_document ON chunks(document_id);
CREATE INDEX chunks_fulltext ON chunks USING gin(tsv);
CREATE TABLE ingestion_jobs (
  document_id bigint PRIMARY KEY,
  queued_at bigint NOT NULL
);
CREATE TABLE chunk_changes (
  seq bigserial PRIMARY KEY,
  document_id bigint NOT NULL,
  op text NOT NULL CHECK (op IN ('add', 'delete')),
  chunk_ids bigint[] NOT NULL,
  origin text NOT NULL,
  committed_at timestamptz NOT NULL DEFAULT clock_timestamp()
);
CREATE INDEX chunk_changes_by_time ON chunk_changes(committed_at);
)sql",
  };
  return steps;
}

int64_t unix_now() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string make_origin() {
  std::random_device random;
  char name[64];
  std::snprintf(name, sizeof name, "%d-%08x%08x", static_cast<int>(::getpid()), random(), random());
  return name;
}

Param text(std::string_view value) { return {std::string(value), false}; }
Param number(int64_t value) { return {std::to_string(value), false}; }

// BEGIN on construction; ROLLBACK unless commit() was called.
class Transaction {
 public:
  explicit Transaction(Connection& connection) : connection_(connection) { connection_.exec("BEGIN"); }
  ~Transaction() {
    if (done_) return;
    try {
      connection_.exec("ROLLBACK");
    } catch (...) {
      // A broken connection has rolled back already; the pool drops it.
    }
  }
  void commit() {
    done_ = true;
    connection_.exec("COMMIT");
  }

 private:
  Connection& connection_;
  bool done_ = false;
};

// Appends a change in the caller's transaction. The feed lock, held until commit, makes
// seq order equal commit order, so a reader that saw seq N never later finds a smaller one.
void record_change(Connection& c, int64_t document_id, const char* op, const std::string& chunk_ids,
                   const std::string& origin) {
  c.exec("SELECT pg_advisory_xact_lock(" + std::to_string(kFeedLock) + ")");
  c.exec("INSERT INTO chunk_changes(document_id, op, chunk_ids, origin) VALUES ($1, $2, $3::bigint[], $4)",
         {number(document_id), text(op), text(chunk_ids), text(origin)});
  c.exec(std::string("NOTIFY ") + kChannel);
}

DocumentInfo read_document(const pg::Result& r, int row) {
  DocumentInfo info;
  info.id = r.integer(row, 0);
  info.title = r.text(row, 1);
  info.status = r.text(row, 2);
  info.chunks = r.integer(row, 3);
  info.error = r.text(row, 4);
  info.created_at = r.integer(row, 5);
  info.bytes = r.integer(row, 6);
  return info;
}

constexpr const char* kDocumentColumns =
    "SELECT id, title, status, chunk_count, error, created_at, octet_length(body) FROM documents ";

// The OR of the terms' tsqueries, from a text[] parameter.
constexpr const char* kTermsQuery =
    "(SELECT string_agg('(' || q::text || ')', ' | ')::tsquery FROM "
    "(SELECT plainto_tsquery('simple', t) AS q FROM unnest($1::text[]) AS t) parts WHERE q::text <> '')";

}  // namespace

// The replica's LISTEN connection, and an eventfd that interrupt() writes to wake it.
class PostgresDocumentStore::Listener {
 public:
  explicit Listener(const pg::ConnectOptions& options) : options_(options), wake_(::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK)) {}
  ~Listener() {
    if (wake_ >= 0) ::close(wake_);
  }

  void wait(std::chrono::milliseconds timeout) {
    if (!connection_ || !connection_->healthy()) {
      try {
        connection_ = std::make_unique<Connection>(options_);
        connection_->exec(std::string("LISTEN ") + kChannel);
        return;  // notifications may have been missed meanwhile: the caller catches up now
      } catch (const std::exception&) {
        connection_.reset();
      }
    }
    pollfd fds[2] = {{connection_ ? PQsocket(connection_->handle()) : -1, POLLIN, 0}, {wake_, POLLIN, 0}};
    if (::poll(fds, 2, static_cast<int>(timeout.count())) <= 0) return;
    if (fds[1].revents & POLLIN) {
      uint64_t count = 0;
      [[maybe_unused]] auto ignored = ::read(wake_, &count, sizeof count);
    }
    if (connection_ && (fds[0].revents & POLLIN)) {
      PQconsumeInput(connection_->handle());
      while (PGnotify* notify = PQnotifies(connection_->handle())) PQfreemem(notify);
    }
  }

  void interrupt() {
    uint64_t one = 1;
    [[maybe_unused]] auto ignored = ::write(wake_, &one, sizeof one);
  }

 private:
  pg::ConnectOptions options_;
  int wake_;
  std::unique_ptr<Connection> connection_;
};

PostgresDocumentStore::PostgresDocumentStore(PostgresStoreOptions options)
    : options_(std::move(options)),
      pool_(options_.connect, options_.connections),
      origin_(make_origin()),
      listener_(std::make_unique<Listener>(options_.connect)) {
  migrate();
}

PostgresDocumentStore::~PostgresDocumentStore() = default;

void PostgresDocumentStore::migrate() {
  pool_.run(Retry::kSafe, [](Connection& c) {
    std::string lock = std::to_string(kSchemaLock);
    c.exec("SELECT pg_advisory_lock(" + lock + ")");
    try {
      c.exec("CREATE TABLE IF NOT EXISTS schema_version (version integer NOT NULL)");
      auto current = c.exec("SELECT coalesce(max(version), 0) FROM schema_version").integer(0, 0);
      const auto& steps = migrations();
      for (size_t version = static_cast<size_t>(current) + 1; version <= steps.size(); ++version) {
        Transaction transaction(c);
        c.exec_script(steps[version - 1]);
        c.exec("INSERT INTO schema_version(version) VALUES ($1)", {number(static_cast<int64_t>(version))});
        transaction.commit();
      }
    } catch (...) {
      try {
        c.exec("SELECT pg_advisory_unlock(" + lock + ")");
      } catch (...) {
        // The connection is gone, and the session's lock with it.
      }
      throw;
    }
    c.exec("SELECT pg_advisory_unlock(" + lock + ")");
  });
}

int64_t PostgresDocumentStore::add_document(std::string_view title, std::string_view body) {
  // One statement, so one implicit transaction; libpq returns after the commit is
  // flushed to the WAL (synchronous_commit=on, the default).
  int64_t id = pool_.run(Retry::kNever, [&](Connection& c) {
    auto now = number(unix_now());
    return c.exec(
               "WITH d AS (INSERT INTO documents(title, body, status, created_at) VALUES ($1, $2, 'processing', $3) "
               "RETURNING id) INSERT INTO ingestion_jobs(document_id, queued_at) SELECT id, $3 FROM d "
               "RETURNING document_id",
               {text(title), text(body), now})
        .integer(0, 0);
  });
  // This replica ingests it: claim the job so no replica starting meanwhile takes it too.
  try {
    std::lock_guard lock(jobs_mutex_);
    if (!jobs_connection_ || !jobs_connection_->healthy()) jobs_connection_ = std::make_unique<Connection>(options_.connect);
    jobs_connection_->exec("SELECT pg_advisory_lock($1, $2)", {number(kJobLockClass), number(id)});
  } catch (const std::exception&) {
    // Unclaimed, another replica may run the job as well; ingestion is idempotent.
  }
  return id;
}

std::optional<DocumentInfo> PostgresDocumentStore::document(int64_t id) {
  return pool_.run(Retry::kSafe, [&](Connection& c) -> std::optional<DocumentInfo> {
    auto r = c.exec(std::string(kDocumentColumns) + "WHERE id = $1", {number(id)});
    if (r.rows() == 0) return std::nullopt;
    return read_document(r, 0);
  });
}

std::vector<DocumentInfo> PostgresDocumentStore::list_documents(int64_t offset, int64_t limit) {
  return pool_.run(Retry::kSafe, [&](Connection& c) {
    auto r = c.exec(std::string(kDocumentColumns) + "ORDER BY id LIMIT $1 OFFSET $2", {number(limit), number(offset)});
    std::vector<DocumentInfo> documents;
    for (int row = 0; row < r.rows(); ++row) documents.push_back(read_document(r, row));
    return documents;
  });
}

int64_t PostgresDocumentStore::document_count() {
  return pool_.run(Retry::kSafe, [](Connection& c) { return c.exec("SELECT count(*) FROM documents").integer(0, 0); });
}

std::optional<std::string> PostgresDocumentStore::document_text(int64_t id) {
  return pool_.run(Retry::kSafe, [&](Connection& c) -> std::optional<std::string> {
    auto r = c.exec("SELECT body FROM documents WHERE id = $1", {number(id)});
    if (r.rows() == 0) return std::nullopt;
    return r.text(0, 0);
  });
}

std::optional<std::vector<int64_t>> PostgresDocumentStore::replace_chunks(int64_t document_id,
                                                                          const std::vector<NewChunk>& chunks) {
  return pool_.run(Retry::kNever, [&](Connection& c) -> std::optional<std::vector<int64_t>> {
    Transaction transaction(c);
    // The row lock orders this against a concurrent delete of the same document.
    if (c.exec("SELECT 1 FROM documents WHERE id = $1 FOR UPDATE", {number(document_id)}).rows() == 0) {
      return std::nullopt;
    }
    c.exec("DELETE FROM chunks WHERE document_id = $1", {number(document_id)});
    std::vector<int64_t> ids;
    ids.reserve(chunks.size());
    for (size_t i = 0; i < chunks.size(); ++i) {
      const auto& embedding = chunks[i].embedding;
      Param vector{std::string(reinterpret_cast<const char*>(embedding.data()), embedding.size() * sizeof(float)), true};
      auto r = c.exec(
          "INSERT INTO chunks(document_id, ordinal, text, embedding) VALUES ($1, $2, $3, $4) RETURNING id",
          {number(document_id), number(static_cast<int64_t>(i)), text(chunks[i].text), std::move(vector)});
      ids.push_back(r.integer(0, 0));
    }
    c.exec("UPDATE documents SET chunk_count = $1 WHERE id = $2",
           {number(static_cast<int64_t>(chunks.size())), number(document_id)});
    transaction.commit();
    return ids;
  });
}

void PostgresDocumentStore::mark_ready(int64_t document_id) {
  pool_.run(Retry::kNever, [&](Connection& c) {
    Transaction transaction(c);
    auto updated = c.exec("UPDATE documents SET status = 'ready', error = '' WHERE id = $1", {number(document_id)});
    c.exec("DELETE FROM ingestion_jobs WHERE document_id = $1", {number(document_id)});
    if (updated.affected() > 0) {
      auto ids = c.exec("SELECT coalesce(array_agg(id ORDER BY id), '{}')::text FROM chunks WHERE document_id = $1",
                        {number(document_id)});
      record_change(c, document_id, "add", ids.text(0, 0), origin_);
    }
    transaction.commit();
  });
  release_job(document_id);
}

void PostgresDocumentStore::mark_failed(int64_t document_id, std::string_view error) {
  pool_.run(Retry::kNever, [&](Connection& c) {
    Transaction transaction(c);
    c.exec("UPDATE documents SET status = 'failed', error = $1 WHERE id = $2", {text(error), number(document_id)});
    c.exec("DELETE FROM ingestion_jobs WHERE document_id = $1", {number(document_id)});
    transaction.commit();
  });
  release_job(document_id);
}

std::optional<std::vector<int64_t>> PostgresDocumentStore::delete_document(int64_t document_id) {
  auto removed = pool_.run(Retry::kNever, [&](Connection& c) -> std::optional<std::vector<int64_t>> {
    Transaction transaction(c);
    if (c.exec("DELETE FROM documents WHERE id = $1", {number(document_id)}).affected() == 0) return std::nullopt;
    auto r = c.exec("DELETE FROM chunks WHERE document_id = $1 RETURNING id", {number(document_id)});
    std::vector<int64_t> ids;
    for (int row = 0; row < r.rows(); ++row) ids.push_back(r.integer(row, 0));
    std::sort(ids.begin(), ids.end());
    c.exec("DELETE FROM ingestion_jobs WHERE document_id = $1", {number(document_id)});
    record_change(c, document_id, "delete", pg::int_array(ids), origin_);
    transaction.commit();
    return ids;
  });
  if (removed) release_job(document_id);
  return removed;
}

void PostgresDocumentStore::release_job(int64_t document_id) {
  std::lock_guard lock(jobs_mutex_);
  if (!jobs_connection_) return;
  try {
    // Session locks stack: the upload and the start-up scan may both have taken it.
    for (int i = 0; i < 4; ++i) {
      auto r = jobs_connection_->exec("SELECT pg_advisory_unlock($1, $2)", {number(kJobLockClass), number(document_id)});
      if (r.text(0, 0) != "t") break;
    }
  } catch (const std::exception&) {
    jobs_connection_.reset();  // its locks went with the connection
  }
}

std::vector<int64_t> PostgresDocumentStore::unfinished_jobs() {
  std::lock_guard lock(jobs_mutex_);
  if (!jobs_connection_ || !jobs_connection_->healthy()) jobs_connection_ = std::make_unique<Connection>(options_.connect);
  // A job whose lock another replica holds is that replica's to finish.
  auto r = jobs_connection_->exec(
      "SELECT document_id FROM ingestion_jobs WHERE pg_try_advisory_lock($1, document_id::integer) "
      "ORDER BY document_id",
      {number(kJobLockClass)});
  std::vector<int64_t> ids;
  for (int row = 0; row < r.rows(); ++row) ids.push_back(r.integer(row, 0));
  return ids;
}

std::vector<std::pair<int64_t, double>> PostgresDocumentStore::keyword_search(std::string_view query, size_t limit) {
  auto terms = query_terms(query);
  if (terms.empty() || limit == 0) return {};
  return pool_.run(Retry::kSafe, [&](Connection& c) {
    if (terms.size() > 1) {
      // As in SQLite: a term in most chunks costs a scan of them all while adding almost
      // nothing to the ranking, so it is left out while rarer ones remain. Counting stops
      // past the bound, which keeps the count itself cheap.
      auto counts = c.exec(
          "SELECT t, (SELECT count(*) FROM (SELECT 1 FROM chunks WHERE tsv @@ plainto_tsquery('simple', t) LIMIT " +
              std::to_string(kCommonTermChunks + 1) +
              ") m) FROM unnest($1::text[]) WITH ORDINALITY AS u(t, i) ORDER BY 2, i",
          {text(pg::text_array(terms))});
      terms.clear();
      for (int row = 0; row < counts.rows(); ++row) {
        if (terms.empty() || counts.integer(row, 1) <= kCommonTermChunks) terms.push_back(counts.text(row, 0));
      }
    }
    auto r = c.exec(std::string("SELECT id, ts_rank_cd(tsv, q) AS rank FROM chunks, ") + kTermsQuery +
                        " AS terms(q) WHERE tsv @@ q ORDER BY rank DESC, id LIMIT $2",
                    {text(pg::text_array(terms)), number(static_cast<int64_t>(limit))});
    std::vector<std::pair<int64_t, double>> hits;
    for (int row = 0; row < r.rows(); ++row) hits.emplace_back(r.integer(row, 0), r.number(row, 1));
    return hits;
  });
}

std::vector<StoredChunk> PostgresDocumentStore::chunks(const std::vector<int64_t>& ids) {
  if (ids.empty()) return {};
  return pool_.run(Retry::kSafe, [&](Connection& c) {
    auto r = c.exec(
        "SELECT c.id, c.document_id, d.title, c.text FROM chunks c JOIN documents d ON d.id = c.document_id "
        "WHERE c.id = ANY($1::bigint[])",
        {text(pg::int_array(ids))});
    std::unordered_map<int64_t, StoredChunk> by_id;
    for (int row = 0; row < r.rows(); ++row) {
      StoredChunk chunk{r.integer(row, 0), r.integer(row, 1), r.text(row, 2), r.text(row, 3)};
      by_id.emplace(chunk.id, std::move(chunk));
    }
    std::vector<StoredChunk> found;
    for (int64_t id : ids) {
      auto it = by_id.find(id);
      if (it != by_id.end()) found.push_back(it->second);
    }
    return found;
  });
}

namespace {

std::vector<ChunkVector> read_vectors(const pg::Result& r) {
  std::vector<ChunkVector> vectors;
  vectors.reserve(static_cast<size_t>(r.rows()));
  for (int row = 0; row < r.rows(); ++row) {
    auto bytes = r.bytes(row, 1);
    ChunkVector vector{r.binary_int8(row, 0), std::vector<float>(bytes.size() / sizeof(float))};
    std::memcpy(vector.vector.data(), bytes.data(), vector.vector.size() * sizeof(float));
    vectors.push_back(std::move(vector));
  }
  return vectors;
}

}  // namespace

void PostgresDocumentStore::for_each_embedding(
    const std::function<void(int64_t chunk_id, const float* vector, size_t dimension)>& visit) {
  // Pages by id, so neither a large corpus nor the statement timeout is a problem.
  int64_t after = 0;
  for (;;) {
    auto page = pool_.run(Retry::kSafe, [&](Connection& c) {
      return read_vectors(c.exec("SELECT id, embedding FROM chunks WHERE id > $1 ORDER BY id LIMIT 5000",
                                 {number(after)}, true));
    });
    for (const auto& chunk : page) visit(chunk.chunk_id, chunk.vector.data(), chunk.vector.size());
    if (page.size() < 5000) return;
    after = page.back().chunk_id;
  }
}

int64_t PostgresDocumentStore::chunk_count() {
  return pool_.run(Retry::kSafe, [](Connection& c) { return c.exec("SELECT count(*) FROM chunks").integer(0, 0); });
}

int64_t PostgresDocumentStore::max_chunk_id() {
  return pool_.run(Retry::kSafe,
                   [](Connection& c) { return c.exec("SELECT coalesce(max(id), 0) FROM chunks").integer(0, 0); });
}

int64_t PostgresDocumentStore::latest_seq() {
  return pool_.run(Retry::kSafe,
                   [](Connection& c) { return c.exec("SELECT coalesce(max(seq), 0) FROM chunk_changes").integer(0, 0); });
}

std::vector<StoreChange> PostgresDocumentStore::changes_after(int64_t seq, size_t limit) {
  return pool_.run(Retry::kSafe, [&](Connection& c) {
    auto r = c.exec(
        "SELECT seq, document_id, op, chunk_ids::text, origin, "
        "extract(epoch FROM clock_timestamp() - committed_at)::float8 FROM chunk_changes WHERE seq > $1 "
        "ORDER BY seq LIMIT $2",
        {number(seq), number(static_cast<int64_t>(limit))});
    std::vector<StoreChange> changes;
    for (int row = 0; row < r.rows(); ++row) {
      StoreChange change;
      change.seq = r.integer(row, 0);
      change.document_id = r.integer(row, 1);
      change.added = r.text(row, 2) == "add";
      change.chunk_ids = pg::parse_int_array(r.text(row, 3));
      change.own = r.text(row, 4) == origin_;
      change.age_seconds = std::max(0.0, r.number(row, 5));
      changes.push_back(std::move(change));
    }
    return changes;
  });
}

std::vector<ChunkVector> PostgresDocumentStore::embeddings(const std::vector<int64_t>& chunk_ids) {
  if (chunk_ids.empty()) return {};
  return pool_.run(Retry::kSafe, [&](Connection& c) {
    return read_vectors(c.exec("SELECT id, embedding FROM chunks WHERE id = ANY($1::bigint[]) ORDER BY id",
                               {text(pg::int_array(chunk_ids))}, true));
  });
}

void PostgresDocumentStore::wait(std::chrono::milliseconds timeout) { listener_->wait(timeout); }

void PostgresDocumentStore::interrupt() { listener_->interrupt(); }

void PostgresDocumentStore::prune(std::chrono::seconds keep) {
  pool_.run(Retry::kSafe, [&](Connection& c) {
    c.exec("DELETE FROM chunk_changes WHERE committed_at < now() - $1 * interval '1 second'", {number(keep.count())});
  });
}

}  // namespace ragscale::serve
