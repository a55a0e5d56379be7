// Ingestor: turns a stored document into searchable chunks — chunk, embed (in
// batches), store chunks and embeddings, add them to the dense index, mark the
// document ready — and rebuilds the dense index from storage at start.
//
// Contract:
// - ingest() is idempotent: a job interrupted by a crash is simply run again, and a job
//   for a document no longer processing returns its state without work.
// - ingest() never throws: any failure (the embedder is unreachable, an SQLite error, no
//   file descriptor left for a reader) marks the document failed with the reason, and
//   the outcome carries it; a document deleted meanwhile is skipped. An embedder stopped
//   by shutdown (EmbeddingInterrupted) leaves the job queued for the next start.
// - remove_document() is how documents are deleted while ingestion runs: storing a
//   document's chunks and adding their vectors to the dense index happen as one step
//   with respect to it, so a delete never leaves vectors of a deleted document behind.
// - apply_change() brings another replica's change (of a shared store) into the dense
//   index, under the same exclusion as publish and delete.
// - on_index_changed runs after every change visible to queries (cache invalidation).
// ingest() calls must not overlap for the same document; different documents are fine.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "serve/embed/embedder.h"
#include "serve/retrieval/dense_index.h"
#include "serve/storage/change_feed.h"
#include "serve/storage/document_store.h"
#include "serve/text/chunker.h"

namespace ragscale::serve {

struct IngestOutcome {
  bool ready = false;
  size_t chunks = 0;
  std::string error;
};

class Ingestor {
 public:
  Ingestor(DocumentStore& store, DenseIndex& index, Embedder& embedder, ChunkerOptions chunking, size_t embed_batch,
           std::function<void()> on_index_changed)
      : store_(store),
        index_(index),
        embedder_(embedder),
        chunking_(chunking),
        embed_batch_(embed_batch == 0 ? 1 : embed_batch),
        on_index_changed_(std::move(on_index_changed)) {}

  IngestOutcome ingest(int64_t document_id);
  // Deletes the document, its chunks and their vectors; false when there was none.
  bool remove_document(int64_t document_id);
  // Loads every stored embedding into the (empty) index; returns how many.
  size_t rebuild_index();
  // Adds the vectors of a document another replica made ready, or removes those of one
  // it deleted. Re-applying a change is harmless.
  void apply_change(const StoreChange& change, ChangeFeed& feed);

 private:
  DocumentStore& store_;
  DenseIndex& index_;
  Embedder& embedder_;
  ChunkerOptions chunking_;
  size_t embed_batch_;
  std::function<void()> on_index_changed_;
  // Held while a document's chunks are stored and indexed, and while one is deleted.
  std::mutex publish_mutex_;

  IngestOutcome run(int64_t document_id);
  std::optional<std::vector<int64_t>> publish(int64_t document_id, const std::vector<NewChunk>& chunks);
};

// Identifies the storage state a saved dense index must match to be reused.
std::string index_signature(DocumentStore& store, const Embedder& embedder);

}  // namespace ragscale::serve
