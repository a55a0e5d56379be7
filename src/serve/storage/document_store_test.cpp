// The DocumentStore contract, run against every implementation: SQLite in a temporary
// folder and PostgreSQL on a temporary server (tests/support/temporary_postgres.h).
#include "serve/storage/document_store.h"

#include <sys/stat.h>

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <random>

#include "serve/storage/postgres_document_store.h"
#include "serve/storage/sqlite_document_store.h"
#include "support/temporary_postgres.h"

namespace ragscale::serve {
namespace {

using testing::TemporaryPostgres;

// Where a store lives; open() may be called again to reopen the same data.
class SqliteLocation {
 public:
  static bool usable(std::string*) { return true; }
  SqliteLocation()
      : directory_(std::filesystem::temp_directory_path() /
                   ("ragscale-store-test-" + std::to_string(std::random_device{}()))) {}
  ~SqliteLocation() { std::filesystem::remove_all(directory_); }
  std::unique_ptr<DocumentStore> open() { return std::make_unique<SqliteDocumentStore>(directory_.string()); }
  const std::filesystem::path& directory() const { return directory_; }

 private:
  std::filesystem::path directory_;
};

PostgresStoreOptions postgres_options(const std::string& url) {
  PostgresStoreOptions options;
  options.connect.url = url;
  options.connections = 4;
  return options;
}

class PostgresLocation {
 public:
  static bool usable(std::string* reason) {
    if (TemporaryPostgres::available()) return true;
    *reason = TemporaryPostgres::unavailable_reason();
    return false;
  }
  PostgresLocation() : url_(TemporaryPostgres::shared().create_database()) {}
  std::unique_ptr<DocumentStore> open() { return std::make_unique<PostgresDocumentStore>(postgres_options(url_)); }

 private:
  std::string url_;
};

template <typename Location>
class DocumentStoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string reason;
    if (!Location::usable(&reason)) GTEST_SKIP() << reason;
    location_ = std::make_unique<Location>();
  }
  std::unique_ptr<DocumentStore> open() { return location_->open(); }
  std::unique_ptr<Location> location_;
};

using Implementations = ::testing::Types<SqliteLocation, PostgresLocation>;
class ImplementationNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    return std::is_same_v<T, SqliteLocation> ? "Sqlite" : "Postgres";
  }
};
TYPED_TEST_SUITE(DocumentStoreContract, Implementations, ImplementationNames);

NewChunk chunk(std::string text, float x) { return {std::move(text), {x, 1.0f - x}}; }

TYPED_TEST(DocumentStoreContract, DocumentLifecycleSurvivesReopen) {
  int64_t id;
  {
    auto store = this->open();
    id = store->add_document("Guide", "Vector search with HNSW graphs.");
    auto info = store->document(id);
    ASSERT_TRUE(info);
    EXPECT_EQ(info->status, "processing");
    EXPECT_EQ(store->unfinished_jobs(), std::vector<int64_t>{id});
  }
  auto store = this->open();
  EXPECT_EQ(store->unfinished_jobs(), std::vector<int64_t>{id});  // resumes after restart
  EXPECT_EQ(store->document_text(id), "Vector search with HNSW graphs.");
  auto ids = store->replace_chunks(id, {chunk("Vector search with HNSW graphs.", 0.25f)});
  ASSERT_TRUE(ids);
  ASSERT_EQ(ids->size(), 1u);
  store->mark_ready(id);
  EXPECT_TRUE(store->unfinished_jobs().empty());
  auto info = store->document(id);
  EXPECT_EQ(info->status, "ready");
  EXPECT_EQ(info->chunks, 1);
  EXPECT_EQ(info->title, "Guide");
  EXPECT_EQ(info->bytes, 31);
}

TYPED_TEST(DocumentStoreContract, KeywordSearchRanksAndChunksCarryTitles) {
  auto store = this->open();
  int64_t a = store->add_document("A", "");
  int64_t b = store->add_document("B", "");
  store->replace_chunks(a, {chunk("cats purr and cats sleep", 0), chunk("dogs bark", 0)});
  store->replace_chunks(b, {chunk("a cat is not a dog; cats climb", 0)});
  auto hits = store->keyword_search("Why do CATS purr?", 10);
  ASSERT_GE(hits.size(), 2u);
  auto best = store->chunks({hits[0].first});
  ASSERT_EQ(best.size(), 1u);
  EXPECT_EQ(best[0].text, "cats purr and cats sleep");
  EXPECT_EQ(best[0].title, "A");
  EXPECT_GT(hits[0].second, hits[1].second);
  EXPECT_TRUE(store->keyword_search("\"*(", 10).empty());  // no words: no query, no syntax error
  EXPECT_TRUE(store->keyword_search("it's a 'quoted' \\ back|slash & !", 10).size() <= 10u);
}

TYPED_TEST(DocumentStoreContract, ChunksComeInTheOrderAsked) {
  auto store = this->open();
  int64_t id = store->add_document("T", "");
  auto ids = store->replace_chunks(id, {chunk("one", 0), chunk("two", 0), chunk("three", 0)});
  ASSERT_TRUE(ids);
  auto found = store->chunks({(*ids)[2], 999999, (*ids)[0]});
  ASSERT_EQ(found.size(), 2u);
  EXPECT_EQ(found[0].text, "three");
  EXPECT_EQ(found[1].text, "one");
}

TYPED_TEST(DocumentStoreContract, ReplaceIsIdempotentAndDeleteRemovesEverything) {
  auto store = this->open();
  int64_t id = store->add_document("T", "x");
  store->replace_chunks(id, {chunk("alpha beta", 0.1f), chunk("gamma", 0.2f)});
  auto second = store->replace_chunks(id, {chunk("alpha delta", 0.3f)});
  ASSERT_TRUE(second);
  EXPECT_EQ(store->chunk_count(), 1);
  EXPECT_EQ(store->max_chunk_id(), (*second)[0]);
  EXPECT_TRUE(store->keyword_search("gamma", 5).empty());
  size_t visited = 0;
  store->for_each_embedding([&](int64_t chunk_id, const float* v, size_t dim) {
    EXPECT_EQ(chunk_id, (*second)[0]);
    ASSERT_EQ(dim, 2u);
    EXPECT_FLOAT_EQ(v[0], 0.3f);
    ++visited;
  });
  EXPECT_EQ(visited, 1u);
  auto removed = store->delete_document(id);
  ASSERT_TRUE(removed);
  EXPECT_EQ(*removed, *second);
  EXPECT_FALSE(store->document(id));
  EXPECT_TRUE(store->keyword_search("alpha", 5).empty());
  EXPECT_FALSE(store->delete_document(id));
  EXPECT_FALSE(store->replace_chunks(id, {chunk("late", 0)}));  // deleted while ingesting
  int64_t next = store->add_document("U", "y");
  EXPECT_GT(next, id);  // ids are never reused
}

TYPED_TEST(DocumentStoreContract, ListsPagesAndMarksFailures) {
  auto store = this->open();
  for (int i = 0; i < 5; ++i) store->add_document("doc" + std::to_string(i), "text");
  auto page = store->list_documents(2, 2);
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].title, "doc2");
  EXPECT_EQ(store->document_count(), 5);
  store->mark_failed(page[0].id, "embedder unreachable");
  auto failed = store->document(page[0].id);
  EXPECT_EQ(failed->status, "failed");
  EXPECT_EQ(failed->error, "embedder unreachable");
  EXPECT_EQ(store->unfinished_jobs().size(), 4u);
}

TYPED_TEST(DocumentStoreContract, CommonTermsAreDroppedOnlyWhenRarerOnesRemain) {
  auto store = this->open();
  int64_t id = store->add_document("T", "");
  std::vector<NewChunk> chunks;
  for (int i = 0; i < 1100; ++i) chunks.push_back(chunk("common filler " + std::to_string(i), 0));
  chunks.push_back(chunk("common rare", 0));
  auto ids = store->replace_chunks(id, chunks);
  ASSERT_TRUE(ids);
  auto hits = store->keyword_search("common rare", 10);
  ASSERT_EQ(hits.size(), 1u);  // "common" (1,101 chunks) no longer matches on its own
  EXPECT_EQ(hits[0].first, ids->back());
  EXPECT_EQ(store->keyword_search("common", 10).size(), 10u);  // alone, it is still searched
}

// What only the embedded store promises.

unsigned mode_of(const std::filesystem::path& path) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0) return 0;
  return info.st_mode & 0777;
}

class SqliteDocumentStoreTest : public ::testing::Test {
 protected:
  SqliteLocation location_;
  const std::filesystem::path& directory_ = location_.directory();
};

// Under the usual umask 022 the data directory was 0755 and the database 0644: every
// local user could read every uploaded document.
TEST_F(SqliteDocumentStoreTest, DataIsReadableOnlyByTheServicesUser) {
  mode_t saved = ::umask(022);
  {
    SqliteDocumentStore store(directory_.string());
    store.add_document("Secret", "Quarterly numbers nobody else may read.");
    EXPECT_EQ(mode_of(directory_), 0700u);
    EXPECT_EQ(mode_of(directory_ / "ragscale.db"), 0600u);
    EXPECT_EQ(mode_of(directory_ / "ragscale.db-wal"), 0600u);
    EXPECT_EQ(mode_of(directory_ / "ragscale.db-shm"), 0600u);
  }
  // Files an older version left readable are tightened at the next open.
  std::filesystem::permissions(directory_ / "ragscale.db", std::filesystem::perms::owner_read |
                                                              std::filesystem::perms::owner_write |
                                                              std::filesystem::perms::others_read);
  { SqliteDocumentStore again(directory_.string()); }
  EXPECT_EQ(mode_of(directory_ / "ragscale.db"), 0600u);
  ::umask(saved);
}

TEST(FtsQueryTest, QuotesWordsAndDropsSyntax) {
  EXPECT_EQ(fts_query_for("what is \"RAG\" OR NOT*"), "\"what\" OR \"is\" OR \"rag\" OR \"or\" OR \"not\"");
  EXPECT_EQ(fts_query_for("?!"), "");
}

}  // namespace
}  // namespace ragscale::serve
