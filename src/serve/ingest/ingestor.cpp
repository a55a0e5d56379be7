#include "serve/ingest/ingestor.h"

#include <algorithm>

namespace ragscale::serve {

IngestOutcome Ingestor::ingest(int64_t document_id) {
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
    outcome.error = "document was deleted";
    return outcome;
  }
  try {
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
    auto ids = store_.replace_chunks(document_id, chunks);
    if (!ids) {
      outcome.error = "document was deleted";
      return outcome;
    }
    for (size_t i = 0; i < ids->size(); ++i) index_.add((*ids)[i], chunks[i].embedding.data());
    store_.mark_ready(document_id);
    outcome.ready = true;
    outcome.chunks = ids->size();
  } catch (const std::exception& e) {
    outcome.error = e.what();
    try {
      store_.mark_failed(document_id, outcome.error);
    } catch (const std::exception&) {
      // The job stays queued in storage and is retried at the next start.
    }
  }
  if (on_index_changed_) on_index_changed_();
  return outcome;
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

std::string index_signature(DocumentStore& store, const Embedder& embedder) {
  return "embedder=" + embedder.name() + ";dimension=" + std::to_string(embedder.dimension()) +
         ";chunks=" + std::to_string(store.chunk_count()) + ";max_chunk=" + std::to_string(store.max_chunk_id());
}

}  // namespace ragscale::serve
