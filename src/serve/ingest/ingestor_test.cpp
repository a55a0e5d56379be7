#include "serve/ingest/ingestor.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <random>

#include "serve/embed/hashing_embedder.h"
#include "serve/retrieval/hybrid_retriever.h"

namespace ragscale::serve {
namespace {

class FailingEmbedder final : public Embedder {
 public:
  size_t dimension() const override { return 32; }
  std::vector<Embedding> embed(const std::vector<std::string>&) override {
    throw std::runtime_error("embeddings endpoint unreachable");
  }
  std::string name() const override { return "failing"; }
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
  DocumentStore store(directory_.string());
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
  DocumentStore store(directory_.string());
  FailingEmbedder embedder;
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
}

}  // namespace
}  // namespace ragscale::serve
