// ChangeFollower: the thread that keeps this replica's dense index current with the
// documents other replicas add to or delete from a shared store. It waits on the
// store's change feed (a notification, or at the latest every `poll`), then applies
// every change after the last one it applied, in order; its own changes are skipped,
// since this replica's index has them already.
//
// Contract:
// - start(after) applies changes with seq > after; the caller records `after`
//   (ChangeFeed::latest_seq) before building the index, so nothing falls between.
// - A store that is down is retried at the next poll; the follower never stops by itself.
// - Changes older than an hour are pruned from the feed (every few minutes, by any
//   replica) so it does not grow forever.
// - stop() returns after the thread has ended.
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <thread>

#include "serve/ingest/ingestor.h"
#include "serve/storage/change_feed.h"

namespace ragscale::serve {

class ChangeFollower {
 public:
  ChangeFollower(ChangeFeed& feed, Ingestor& ingestor, std::chrono::milliseconds poll);
  ~ChangeFollower();

  void start(int64_t after);
  void stop();

  uint64_t applied() const { return applied_.load(); }
  // Seconds from commit to being applied here, of the last change applied.
  double lag_seconds() const { return lag_seconds_.load(); }
  int64_t last_seq() const { return last_seq_.load(); }

 private:
  void run();
  void catch_up();

  ChangeFeed& feed_;
  Ingestor& ingestor_;
  std::chrono::milliseconds poll_;
  std::atomic<bool> stopping_{false};
  std::atomic<uint64_t> applied_{0};
  std::atomic<double> lag_seconds_{0};
  std::atomic<int64_t> last_seq_{0};
  std::thread thread_;
};

}  // namespace ragscale::serve
