#include "serve/ingest/ingestor.h"

#include <algorithm>

namespace ragscale::serve {
namespace {

constexpr const char* kDeleted = "document was deleted";

}  // namespace

IngestOutcome Ingestor::ingest(int64_t document_id) {
  std::string failure;
  try {
    return run(document_id);
  } catch (const EmbeddingInterrupted& e) {
    // Shutting down: the job stays queued in storage and runs again at the next start.
    IngestOutcome outcome;
    outcome.error = e.what();
    return outcome;
  } catch (const std::exception& e) {
    failure = e.what();
  } catch (...) {
    failure = "unknown error";
  }
  try {
    store_.mark_failed(document_id, failure);
  } catch (const std::exception&) {
    // Storage refuses even this: the job stays queued in storage and is retried at
    // the next start.
  }
  if (on_index_changed_) on_index_changed_();
  IngestOutcome outcome;
  outcome.error = std::move(failure);
  return outcome;
}

IngestOutcome Ingestor::run(int64_t document_id) {
  IngestOutcome outcome;
  auto info = store_.document(document_id);
  if (info && info->status != "processing") {
    // Already finished: the same job was queued twice (at upload and by the start-up scan).
    outcome.ready = info->status == "ready";
    outcome.chunks = static_cast<size_t>(info->chunks);
    outcome.error = info->error;
    return outcome;
  }
  auto text = store_.document_text(document_id);
  if (!text) {
    outcome.error = kDeleted;
    return outcome;
  }
  auto pieces = chunk_text(*text, chunking_);
  std::vector<NewChunk> chunks;
  chunks.reserve(pieces.size());
  for (size_t start = 0; start < pieces.size(); start += embed_batch_) {
    size_t end = std::min(pieces.size(), start + embed_batch_);
    std::vector<std::string> batch(pieces.begin() + static_cast<long>(start), pieces.begin() + static_cast<long>(end));
    auto vectors = embedder_.embed(batch);
    if (vectors.size() != batch.size()) throw std::runtime_error("embedder returned the wrong number of vectors");
    for (size_t i = 0; i < batch.size(); ++i) {
      if (vectors[i].size() != index_.dimension()) {
        throw std::runtime_error("embedder returned vectors of dimension " + std::to_string(vectors[i].size()) +
                                 ", the index expects " + std::to_string(index_.dimension()));
      }
      chunks.push_back({std::move(batch[i]), std::move(vectors[i])});
    }
  }
  auto ids = publish(document_id, chunks);
  if (!ids) {
    outcome.error = kDeleted;
    return outcome;
  }
  outcome.ready = true;
  outcome.chunks = ids->size();
  if (on_index_changed_) on_index_changed_();
  return outcome;
}

std::optional<std::vector<int64_t>> Ingestor::publish(int64_t document_id, const std::vector<NewChunk>& chunks) {
  std::lock_guard lock(publish_mutex_);
  auto ids = store_.replace_chunks(document_id, chunks);
  if (!ids) return std::nullopt;
  try {
    for (size_t i = 0; i < ids->size(); ++i) index_.add((*ids)[i], chunks[i].embedding.data());
    store_.mark_ready(document_id);
  } catch (...) {
    // Vectors of a document that is not ready must not be found.
    for (int64_t id : *ids) index_.remove(id);
    throw;
  }
  return ids;
}

bool Ingestor::remove_document(int64_t document_id) {
  std::optional<std::vector<int64_t>> removed;
  {
    std::lock_guard lock(publish_mutex_);
    removed = store_.delete_document(document_id);
    if (!removed) return false;
    for (int64_t chunk_id : *removed) index_.remove(chunk_id);
  }
  if (on_index_changed_) on_index_changed_();
  return true;
}

size_t Ingestor::rebuild_index() {
  size_t added = 0;
  store_.for_each_embedding([&](int64_t chunk_id, const float* vector, size_t dimension) {
    if (dimension != index_.dimension()) return;  // written by an embedder with another dimension
    index_.add(chunk_id, vector);
    ++added;
  });
  return added;
}

void Ingestor::apply_change(const StoreChange& change, ChangeFeed& feed) {
  // Read before taking the lock: a slow store must not hold up local uploads and deletes.
  std::vector<ChunkVector> vectors;
  if (change.added) vectors = feed.embeddings(change.chunk_ids);
  {
    std::lock_guard lock(publish_mutex_);
    if (change.added) {
      for (const auto& chunk : vectors) {
        if (chunk.vector.size() == index_.dimension()) index_.add(chunk.chunk_id, chunk.vector.data());
      }
    } else {
      for (int64_t chunk_id : change.chunk_ids) index_.remove(chunk_id);
    }
  }
  if (on_index_changed_) on_index_changed_();
}

std::string index_signature(DocumentStore& store, const Embedder& embedder) {
  return "embedder=" + embedder.name() + ";dimension=" + std::to_string(embedder.dimension()) +
         ";chunks=" + std::to_string(store.chunk_count()) + ";max_chunk=" + std::to_string(store.max_chunk_id());
}

}  // namespace ragscale::serve
