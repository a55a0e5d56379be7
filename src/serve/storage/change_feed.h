// ChangeFeed: how one replica learns of the documents the others added or deleted in a
// shared store. Every change gets a sequence number in commit order; a replica applies
// the changes after the last one it applied, woken by a notification or, failing that,
// by its own catch-up poll.
//
// Contract:
// - changes_after(seq) lists committed changes with seq greater than `seq`, oldest
//   first; no change committed later ever gets a smaller seq (so none is skipped).
// - Changes written by this process are marked `own`: its index has them already.
// - wait() returns when a change may have been committed, when `timeout` passes, or
//   after interrupt(); it never throws (a broken listening connection is retried).
// - Thread-safe; wait() is called by one thread at a time.
#pragma once

#include <chrono>
#include <cstdint>
#include <utility>
#include <vector>

namespace ragscale::serve {

struct StoreChange {
  int64_t seq = 0;
  int64_t document_id = 0;
  bool added = false;  // false: deleted
  std::vector<int64_t> chunk_ids;
  bool own = false;
  double age_seconds = 0;  // since it was committed
};

struct ChunkVector {
  int64_t chunk_id = 0;
  std::vector<float> vector;
};

class ChangeFeed {
 public:
  virtual ~ChangeFeed() = default;
  virtual int64_t latest_seq() = 0;
  virtual std::vector<StoreChange> changes_after(int64_t seq, size_t limit) = 0;
  // The embeddings of those chunks that still exist.
  virtual std::vector<ChunkVector> embeddings(const std::vector<int64_t>& chunk_ids) = 0;
  virtual void wait(std::chrono::milliseconds timeout) = 0;
  virtual void interrupt() = 0;
  // Forgets changes older than `keep`; a replica further behind rebuilds at its next start.
  virtual void prune(std::chrono::seconds keep) = 0;
};

}  // namespace ragscale::serve
