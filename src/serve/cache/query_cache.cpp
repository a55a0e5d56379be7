#include "serve/cache/query_cache.h"

#include <openssl/sha.h>

namespace ragscale::serve {

std::string QueryCache::make_key(std::string_view question, std::string_view parameters) {
  std::string normalized;
  normalized.reserve(question.size() + parameters.size() + 1);
  bool pending_space = false;
  for (char c : question) {
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
      pending_space = !normalized.empty();
      continue;
    }
    if (pending_space) normalized.push_back(' ');
    pending_space = false;
    normalized.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c - 'A' + 'a') : c);
  }
  normalized.push_back('\x1f');
  normalized.append(parameters);
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(normalized.data()), normalized.size(), digest);
  return std::string(reinterpret_cast<const char*>(digest), sizeof digest);
}

std::optional<std::string> QueryCache::get(const std::string& key, uint64_t generation, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) {
    ++misses_;
    return std::nullopt;
  }
  auto it = found->second;
  if (it->expires <= now) {
    if (it->expires + limits_.stale_grace <= now) erase(it);  // else kept for get_stale()
    ++misses_;
    return std::nullopt;
  }
  if (it->generation != generation) {  // kept for get_stale() until replaced or evicted
    ++misses_;
    return std::nullopt;
  }
  lru_.splice(lru_.begin(), lru_, it);
  ++hits_;
  return it->value;
}

std::optional<QueryCache::Held> QueryCache::get_stale(const std::string& key, Clock::time_point now) {
  std::lock_guard lock(mutex_);
  auto found = index_.find(key);
  if (found == index_.end()) return std::nullopt;
  auto it = found->second;
  if (it->expires + limits_.stale_grace <= now) {
    erase(it);
    return std::nullopt;
  }
  return Held{it->value, it->generation};
}

void QueryCache::put(const std::string& key, std::string value, uint64_t generation, Clock::time_point now) {
  if (limits_.max_entries == 0) return;
  std::lock_guard lock(mutex_);
  if (auto found = index_.find(key); found != index_.end()) erase(found->second);
  Entry entry{key, std::move(value), generation, now + limits_.ttl};
  size_t entry_cost = cost(entry);
  if (entry_cost > limits_.max_bytes) return;
  lru_.push_front(std::move(entry));
  index_.emplace(key, lru_.begin());
  bytes_ += entry_cost;
  while (!lru_.empty() && (index_.size() > limits_.max_entries || bytes_ > limits_.max_bytes)) {
    erase(std::prev(lru_.end()));
  }
}

void QueryCache::erase(std::list<Entry>::iterator it) {
  bytes_ -= cost(*it);
  index_.erase(it->key);
  lru_.erase(it);
}

size_t QueryCache::entries() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}
size_t QueryCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}
uint64_t QueryCache::hits() const {
  std::lock_guard lock(mutex_);
  return hits_;
}
uint64_t QueryCache::misses() const {
  std::lock_guard lock(mutex_);
  return misses_;
}

}  // namespace ragscale::serve
