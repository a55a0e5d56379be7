// What only the shared store promises: the change feed between replicas, jobs taken by
// one replica, a schema migrated once by replicas starting together, and fast errors
// while the database is down. The common contract is in document_store_test.cpp.
#include "serve/storage/postgres_document_store.h"

#include <gtest/gtest.h>

#include <thread>

#include "support/temporary_postgres.h"

namespace ragscale::serve {
namespace {

using testing::TemporaryPostgres;
using Clock = std::chrono::steady_clock;

class PostgresDocumentStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!TemporaryPostgres::available()) GTEST_SKIP() << TemporaryPostgres::unavailable_reason();
    url_ = TemporaryPostgres::shared().create_database();
  }
  std::unique_ptr<PostgresDocumentStore> open() {
    PostgresStoreOptions options;
    options.connect.url = url_;
    options.connect.connect_timeout = std::chrono::milliseconds(2000);
    options.connect.statement_timeout = std::chrono::milliseconds(2000);
    options.connections = 2;
    return std::make_unique<PostgresDocumentStore>(options);
  }
  std::string url_;
};

int64_t ready_document(DocumentStore& store, const std::string& text) {
  int64_t id = store.add_document("T", text);
  store.replace_chunks(id, {{text, {0.5f, 0.5f}}});
  store.mark_ready(id);
  return id;
}

TEST_F(PostgresDocumentStoreTest, ChangeFeedCarriesOtherReplicasChangesInOrder) {
  auto a = open();
  auto b = open();
  int64_t start = b->latest_seq();
  int64_t id = ready_document(*a, "shared knowledge");
  auto changes = b->changes_after(start, 100);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_TRUE(changes[0].added);
  EXPECT_FALSE(changes[0].own);
  EXPECT_EQ(changes[0].document_id, id);
  ASSERT_EQ(changes[0].chunk_ids.size(), 1u);
  auto vectors = b->embeddings(changes[0].chunk_ids);
  ASSERT_EQ(vectors.size(), 1u);
  EXPECT_FLOAT_EQ(vectors[0].vector[1], 0.5f);
  EXPECT_TRUE(a->changes_after(start, 100)[0].own);

  a->delete_document(id);
  changes = b->changes_after(changes[0].seq, 100);
  ASSERT_EQ(changes.size(), 1u);
  EXPECT_FALSE(changes[0].added);
  EXPECT_EQ(changes[0].chunk_ids, vectors.empty() ? std::vector<int64_t>{} : std::vector<int64_t>{vectors[0].chunk_id});
  b->prune(std::chrono::seconds(3600));
  EXPECT_EQ(b->changes_after(start, 100).size(), 2u);  // younger than the bound: kept
}

TEST_F(PostgresDocumentStoreTest, NotificationWakesTheListenerLongBeforeItsPoll) {
  auto a = open();
  auto b = open();
  b->wait(std::chrono::milliseconds(2000));  // the first wait connects and LISTENs
  std::thread writer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    ready_document(*a, "wake up");
  });
  auto begin = Clock::now();
  b->wait(std::chrono::milliseconds(5000));
  auto waited = Clock::now() - begin;
  writer.join();
  EXPECT_LT(waited, std::chrono::milliseconds(2000));
  EXPECT_EQ(b->changes_after(0, 10).size(), 1u);
}

TEST_F(PostgresDocumentStoreTest, AJobIsTakenByOneReplicaUntilItsOwnerIsGone) {
  auto a = open();
  int64_t id = a->add_document("T", "in progress on a");
  auto b = open();
  EXPECT_TRUE(b->unfinished_jobs().empty());  // a is ingesting it
  a.reset();                                  // a dies; its server session ends soon after
  std::vector<int64_t> taken;
  for (auto deadline = Clock::now() + std::chrono::seconds(5); taken.empty() && Clock::now() < deadline;) {
    taken = b->unfinished_jobs();
    if (taken.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  EXPECT_EQ(taken, std::vector<int64_t>{id});
  auto c = open();
  EXPECT_TRUE(c->unfinished_jobs().empty());  // b has taken it
}

TEST_F(PostgresDocumentStoreTest, ReplicasStartingTogetherMigrateOnce) {
  std::vector<std::thread> replicas;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    replicas.emplace_back([&] {
      try {
        open();
      } catch (const std::exception&) {
        failures.fetch_add(1);
      }
    });
  }
  for (auto& replica : replicas) replica.join();
  EXPECT_EQ(failures.load(), 0);
  pg::Connection check({url_});
  EXPECT_EQ(check.exec("SELECT count(*) FROM schema_version").integer(0, 0), 1);
}

TEST_F(PostgresDocumentStoreTest, ADatabaseDownGivesFastErrorsAndIsPickedUpAgain) {
  auto store = open();
  ready_document(*store, "before the outage");
  auto& server = TemporaryPostgres::shared();
  server.stop();
  auto begin = Clock::now();
  EXPECT_THROW(store->document_count(), StoreUnavailable);
  EXPECT_THROW(store->add_document("T", "during"), StoreUnavailable);
  EXPECT_LT(Clock::now() - begin, std::chrono::milliseconds(3000));
  server.start();
  EXPECT_EQ(store->document_count(), 1);
}

TEST(PostgresConnectTest, UnreachableServerAndBadUrlsAreExplained) {
  pg::ConnectOptions options;
  options.url = "postgres://postgres@127.0.0.1:1/ragscale";
  try {
    pg::Connection connection(options);
    FAIL() << "connected to port 1";
  } catch (const StoreUnavailable& e) {
    EXPECT_NE(std::string(e.what()).find("check that PostgreSQL is running"), std::string::npos) << e.what();
  }
  EXPECT_NE(pg::url_problem("mysql://x@y/z").find("postgres://"), std::string::npos);
  EXPECT_EQ(pg::url_problem("postgres://postgres@127.0.0.1:5432/ragscale"), "");
  EXPECT_EQ(pg::redact_url("postgres://u:secret@h:1/d"), "postgres://u:***@h:1/d");
}

}  // namespace
}  // namespace ragscale::serve
