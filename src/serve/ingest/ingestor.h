// Ingestor: turns a stored document into searchable chunks — chunk, embed (in
// batches), store chunks and embeddings, add them to the dense index, mark the
// document ready — and rebuilds the dense index from storage at start.
//
// Contract:
// - ingest() is idempotent: a job interrupted by a crash is simply run again, and a job
//   for a document no longer processing returns its state without work.
// - A failure (e.g. the embedder is unreachable) marks the document failed with the
//   reason; a document deleted meanwhile is skipped.
// - on_index_changed runs after every change visible to queries (cache invalidation).
// Calls must not overlap for the same document; different documents are fine.
#pragma once

#include <cstdint>
#include <functional>
#include <string>

#include "serve/embed/embedder.h"
#include "serve/retrieval/dense_index.h"
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
  // Loads every stored embedding into the (empty) index; returns how many.
  size_t rebuild_index();

 private:
  DocumentStore& store_;
  DenseIndex& index_;
  Embedder& embedder_;
  ChunkerOptions chunking_;
  size_t embed_batch_;
  std::function<void()> on_index_changed_;
};

// Identifies the storage state a saved dense index must match to be reused.
std::string index_signature(DocumentStore& store, const Embedder& embedder);

}  // namespace ragscale::serve
