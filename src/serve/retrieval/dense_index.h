// DenseIndex: approximate nearest-neighbour search over unit-length embeddings with an
// HNSW graph (hnswlib, inner-product space: similarity = cosine for unit vectors).
//
// Contract:
// - Thread-safe: searches run concurrently; add/remove take an exclusive lock briefly.
// - Capacity grows by doubling, so callers never size it.
// - Ids are non-negative (std::invalid_argument otherwise). remove() hides an id from
//   results (HNSW marks it deleted); re-adding an id replaces its vector.
// - The slot of a removed id is reused by a later add, so uploads balanced by deletes
//   keep the graph's element count (slots()) and memory steady: hnswlib 0.6 never frees
//   a deleted element. A reused slot takes the new vector through hnswlib's update path,
//   which relinks it and its neighbours; a slot without a neighbour at one of its levels
//   (rare: the top of the graph) waits until it has one.
// - save() writes the graph plus a signature file, both mode 0600; load() accepts a saved graph only
//   when its signature equals the expected one (the caller derives it from storage),
//   so a graph left stale by a crash is rebuilt instead of trusted.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <set>
#include <shared_mutex>
#include <string>
#include <utility>
#include <vector>

namespace hnswlib {
template <typename dist_t>
class SpaceInterface;
template <typename dist_t>
class HierarchicalNSW;
}  // namespace hnswlib

namespace ragscale::serve {

struct HnswOptions {
  size_t m = 16;
  size_t ef_construction = 64;
  size_t ef_search = 64;
};

class DenseIndex {
 public:
  DenseIndex(size_t dimension, HnswOptions options);
  ~DenseIndex();

  void add(int64_t id, const float* vector);
  void remove(int64_t id);
  // (id, similarity) best first; at most k.
  std::vector<std::pair<int64_t, float>> search(const float* query, size_t k) const;
  size_t size() const;
  // Elements the graph holds (live, and removed but not yet reused) and has room for.
  size_t slots() const;
  size_t capacity() const;
  size_t dimension() const { return dimension_; }

  // Throws std::runtime_error when the file cannot be written.
  void save(const std::string& path, const std::string& signature) const;
  // False (index left empty) when there is no file, the signature differs or it is corrupt.
  bool load(const std::string& path, const std::string& expected_signature);

 private:
  void reserve_locked(size_t capacity);
  bool updatable_locked(uint32_t slot) const;
  void retire_locked(uint32_t slot);
  void reuse_slot_locked(uint32_t slot, uint64_t label, const float* vector);

  size_t dimension_;
  HnswOptions options_;
  std::unique_ptr<hnswlib::SpaceInterface<float>> space_;
  std::unique_ptr<hnswlib::HierarchicalNSW<float>> graph_;
  size_t live_ = 0;
  std::set<uint32_t> free_slots_;  // removed slots, lowest first
  mutable std::shared_mutex mutex_;
};

}  // namespace ragscale::serve
