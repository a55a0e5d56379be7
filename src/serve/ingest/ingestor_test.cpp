#include "serve/ingest/ingestor.h"

#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <random>
#include <thread>

#include "serve/embed/hashing_embedder.h"
#include "serve/retrieval/hybrid_retriever.h"
#include "serve/storage/sqlite_document_store.h"

namespace ragscale::serve {
namespace {

// An embedder that always throws `Failure` with `message`.
template <typename Failure>
class ThrowingEmbedder final : public Embedder {
 public:
  explicit ThrowingEmbedder(std::string message) : message_(std::move(message)) {}
  size_t dimension() const override { return 32; }
  std::vector<Embedding> embed(const std::vector<std::string>&) override { throw Failure(message_); }
  std::string name() const override { return "throwing"; }

 private:
  std::string message_;
};

class IngestorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    directory_ = std::filesystem::temp_directory_path() /
                 ("ragscale-ingest-test-" + std::to_string(std::random_device{}()));
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }
  std::filesystem::path directory_;
};

TEST_F(IngestorTest, IngestedDocumentsAreFoundByHybridSearch) {
  SqliteDocumentStore store(directory_.string());
  HashingEmbedder embedder(128);
  DenseIndex index(128, {});
  int changes = 0;
  Ingestor ingestor(store, index, embedder, {120, 20}, 4, [&] { ++changes; });
  int64_t hnsw = store.add_document("HNSW", "HNSW builds a layered proximity graph for nearest neighbour search. "
                                            "Queries descend the layers greedily.");
  int64_t bread = store.add_document("Bread", "Sourdough bread needs flour, water, salt and a starter culture. "
                                              "Bake it in a hot oven.");
  EXPECT_TRUE(ingestor.ingest(hnsw).ready);
  auto outcome = ingestor.ingest(bread);
  EXPECT_TRUE(outcome.ready);
  EXPECT_GE(outcome.chunks, 1u);
  EXPECT_EQ(changes, 2);
  EXPECT_EQ(store.document(bread)->status, "ready");

  HybridRetriever retriever(store, index, embedder, 10, 60);
  auto result = retriever.search("how does the proximity graph search work?", 2);
  ASSERT_FALSE(result.chunks.empty());
  EXPECT_EQ(result.chunks[0].document_id, hnsw);
  EXPECT_EQ(result.chunks[0].title, "HNSW");
  EXPECT_FALSE(result.degraded);

  // Re-running a job (as after a crash) leaves one copy of each chunk.
  auto before = store.chunk_count();
  EXPECT_TRUE(ingestor.ingest(hnsw).ready);
  EXPECT_EQ(store.chunk_count(), before);

  // A restart rebuilds the same index from storage.
  DenseIndex rebuilt(128, {});
  Ingestor again(store, rebuilt, embedder, {120, 20}, 4, nullptr);
  EXPECT_EQ(again.rebuild_index(), static_cast<size_t>(store.chunk_count()));
}

TEST_F(IngestorTest, EmbedderFailureMarksDocumentFailedAndSearchDegrades) {
  SqliteDocumentStore store(directory_.string());
  ThrowingEmbedder<std::runtime_error> embedder("embeddings endpoint unreachable");
  DenseIndex index(32, {});
  Ingestor ingestor(store, index, embedder, {100, 10}, 8, nullptr);
  int64_t id = store.add_document("T", "Some words to embed.");
  auto outcome = ingestor.ingest(id);
  EXPECT_FALSE(outcome.ready);
  EXPECT_NE(outcome.error.find("unreachable"), std::string::npos);
  EXPECT_EQ(store.document(id)->status, "failed");
  EXPECT_TRUE(store.unfinished_jobs().empty());

  HybridRetriever retriever(store, index, embedder, 10, 60);
  auto result = retriever.search("words", 3);
  EXPECT_TRUE(result.degraded);

  // Shutdown is not the document's fault: such a job stays queued for the next start.
  ThrowingEmbedder<EmbeddingInterrupted> stopped("embeddings request interrupted: backend client shutting down");
  Ingestor stopping(store, index, stopped, {100, 10}, 8, nullptr);
  int64_t queued = store.add_document("T2", "More words to embed.");
  EXPECT_FALSE(stopping.ingest(queued).ready);
  EXPECT_EQ(store.document(queued)->status, "processing");
  EXPECT_EQ(store.unfinished_jobs(), std::vector<int64_t>{queued});
}

// A storage error outside the embedding step (here: a reader connection that cannot be
// opened, as when the process has no descriptor left or the data directory is gone)
// used to escape ingest() and end the process from the worker thread.
TEST_F(IngestorTest, StorageErrorsMarkTheDocumentFailedInsteadOfThrowing) {
  SqliteDocumentStore store(directory_.string());
  HashingEmbedder embedder(32);
  DenseIndex index(32, {});
  Ingestor ingestor(store, index, embedder, {100, 10}, 8, nullptr);
  int64_t id = store.add_document("T", "Some words to embed.");
  // The writer keeps its open files; a new reader finds no database where it looks.
  auto moved = directory_.string() + ".moved";
  std::filesystem::rename(directory_, moved);
  IngestOutcome outcome;
  EXPECT_NO_THROW(outcome = ingestor.ingest(id));
  std::filesystem::rename(moved, directory_);
  EXPECT_FALSE(outcome.ready);
  EXPECT_NE(outcome.error.find("cannot open database"), std::string::npos) << outcome.error;
  auto info = store.document(id);
  ASSERT_TRUE(info);
  EXPECT_EQ(info->status, "failed");
  EXPECT_EQ(info->error, outcome.error);
  EXPECT_TRUE(store.unfinished_jobs().empty());
}

// A delete that lands after the chunks are stored but before their vectors are indexed
// used to leave those vectors behind, found by dense search for a deleted document.
TEST_F(IngestorTest, DeletesDuringIngestionLeaveNoVectorsBehind) {
  SqliteDocumentStore store(directory_.string());
  HashingEmbedder embedder(64);
  DenseIndex index(64, {});
  Ingestor ingestor(store, index, embedder, {40, 0}, 64, nullptr);
  std::string text;
  for (int i = 0; i < 400; ++i) text += "word" + std::to_string(i) + " filler text here. ";
  for (int round = 0; round < 5; ++round) {
    int64_t id = store.add_document("T", text);
    std::atomic<bool> deleted{false};
    std::thread deleter([&] {
      // Delete the moment the chunks are visible in storage.
      while (true) {
        auto info = store.document(id);
        if (info && info->chunks > 0) break;
      }
      deleted = ingestor.remove_document(id);
    });
    ingestor.ingest(id);
    deleter.join();
    EXPECT_TRUE(deleted.load());
    EXPECT_EQ(index.size(), 0u) << "round " << round;
    EXPECT_FALSE(store.document(id));
  }
}

}  // namespace
}  // namespace ragscale::serve
