// LruCache: a small thread-safe map from string keys to shared, immutable values,
// bounded by entry count with least-recently-used eviction. The service uses it for
// query embeddings and retrieval results, whose keys carry everything that makes an
// entry valid (the normalized question, parameters, the index generation), so entries
// never need invalidating: stale keys are simply no longer asked for and age out.
//
// Contract: get() refreshes an entry's recency; put() replaces an existing entry; a
// capacity of 0 stores nothing. Values are handed out as shared_ptr<const V>, so a
// reader keeps its value alive even if it is evicted meanwhile.
#pragma once

#include <cstdint>
#include <list>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>

namespace ragscale::serve {

template <class V>
class LruCache {
 public:
  explicit LruCache(size_t capacity) : capacity_(capacity) {}

  std::shared_ptr<const V> get(const std::string& key) {
    std::lock_guard lock(mutex_);
    auto found = index_.find(key);
    if (found == index_.end()) {
      ++misses_;
      return nullptr;
    }
    lru_.splice(lru_.begin(), lru_, found->second);
    ++hits_;
    return found->second->second;
  }

  void put(const std::string& key, std::shared_ptr<const V> value) {
    if (capacity_ == 0) return;
    std::lock_guard lock(mutex_);
    if (auto found = index_.find(key); found != index_.end()) {
      lru_.erase(found->second);
      index_.erase(found);
    }
    lru_.emplace_front(key, std::move(value));
    index_.emplace(key, lru_.begin());
    while (index_.size() > capacity_) {
      index_.erase(lru_.back().first);
      lru_.pop_back();
    }
  }

  size_t size() const {
    std::lock_guard lock(mutex_);
    return index_.size();
  }
  uint64_t hits() const {
    std::lock_guard lock(mutex_);
    return hits_;
  }
  uint64_t misses() const {
    std::lock_guard lock(mutex_);
    return misses_;
  }

 private:
  using Entry = std::pair<std::string, std::shared_ptr<const V>>;
  size_t capacity_;
  mutable std::mutex mutex_;
  std::list<Entry> lru_;  // most recently used first
  std::unordered_map<std::string, typename std::list<Entry>::iterator> index_;
  uint64_t hits_ = 0;
  uint64_t misses_ = 0;
};

}  // namespace ragscale::serve
