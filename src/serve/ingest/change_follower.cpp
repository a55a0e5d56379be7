#include "serve/ingest/change_follower.h"

#include <cstdio>

namespace ragscale::serve {
namespace {

constexpr size_t kBatch = 500;
constexpr std::chrono::seconds kKeepChanges{3600};
constexpr std::chrono::minutes kPruneEvery{5};

}  // namespace

ChangeFollower::ChangeFollower(ChangeFeed& feed, Ingestor& ingestor, std::chrono::milliseconds poll)
    : feed_(feed), ingestor_(ingestor), poll_(poll) {}

ChangeFollower::~ChangeFollower() { stop(); }

void ChangeFollower::start(int64_t after) {
  last_seq_.store(after);
  thread_ = std::thread([this] { run(); });
}

void ChangeFollower::stop() {
  stopping_.store(true);
  feed_.interrupt();
  if (thread_.joinable()) thread_.join();
}

void ChangeFollower::run() {
  auto next_prune = std::chrono::steady_clock::now() + kPruneEvery;
  bool reported = false;  // one message per outage, not one per poll
  while (!stopping_.load()) {
    feed_.wait(poll_);
    if (stopping_.load()) break;
    try {
      catch_up();
      if (std::chrono::steady_clock::now() >= next_prune) {
        feed_.prune(kKeepChanges);
        next_prune = std::chrono::steady_clock::now() + kPruneEvery;
      }
      if (reported) std::fprintf(stderr, "ragscale serve: change feed of the store is back\n");
      reported = false;
    } catch (const std::exception& e) {
      if (!reported) std::fprintf(stderr, "ragscale serve: change feed: %s (retrying)\n", e.what());
      reported = true;
    }
  }
}

void ChangeFollower::catch_up() {
  for (;;) {
    auto changes = feed_.changes_after(last_seq_.load(), kBatch);
    for (const auto& change : changes) {
      if (!change.own) {
        ingestor_.apply_change(change, feed_);
        applied_.fetch_add(1);
        lag_seconds_.store(change.age_seconds);
      }
      last_seq_.store(change.seq);
    }
    if (changes.size() < kBatch || stopping_.load()) return;
  }
}

}  // namespace ragscale::serve
