#include "serve/retrieval/dense_index.h"

// hnswlib's SSE code paths prefetch one element past the end of neighbour lists (a
// heap over-read AddressSanitizer reports); they are switched off and the index uses
// the kernels of inner_product.h instead.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <limits>
#include <mutex>
#include <sstream>
#include <stdexcept>

#include "serve/retrieval/inner_product.h"
#include "serve/storage/private_files.h"

namespace ragscale::serve {
namespace {

constexpr size_t kInitialCapacity = 1024;

// The label of a slot whose id moved elsewhere: ids are non-negative, so no id casts to it.
constexpr hnswlib::labeltype kRetiredLabel = std::numeric_limits<hnswlib::labeltype>::max();

// An inner-product space for hnswlib using the widest kernel the CPU supports.
class InnerProductSpace final : public hnswlib::SpaceInterface<float> {
 public:
  explicit InnerProductSpace(size_t dimension) : dimension_(dimension) {
    distance_ = cpu_has_avx2_fma() ? inner_product_distance_avx2 : inner_product_distance_sse;
  }
  size_t get_data_size() override { return dimension_ * sizeof(float); }
  hnswlib::DISTFUNC<float> get_dist_func() override { return distance_; }
  void* get_dist_func_param() override { return &dimension_; }

 private:
  size_t dimension_;
  hnswlib::DISTFUNC<float> distance_;
};

std::string signature_path(const std::string& path) { return path + ".signature"; }

}  // namespace

DenseIndex::DenseIndex(size_t dimension, HnswOptions options)
    : dimension_(dimension),
      options_(options),
      space_(std::make_unique<InnerProductSpace>(dimension)),
      graph_(std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), kInitialCapacity, options.m,
                                                                options.ef_construction)) {
  graph_->ef_ = options.ef_search;
}

DenseIndex::~DenseIndex() = default;

void DenseIndex::reserve_locked(size_t capacity) {
  if (capacity > graph_->max_elements_) graph_->resizeIndex(std::max(capacity, graph_->max_elements_ * 2));
}

// hnswlib's updatePoint (how a known id takes a new vector, and how a reused slot takes a
// new id) copies each of the slot's neighbour lists with memcpy into a std::vector, whose
// data() is a null pointer when the list is empty: undefined behaviour, which
// UndefinedBehaviorSanitizer reports (hnswalg.h, getConnectionsWithLock) and which failed
// the first attempt at slot reuse. A list is empty only where the slot has no neighbour
// at that level (the top of the graph, typically), and a list once filled never empties
// again; such a slot is not updated in place. The graph's only element is safe:
// updatePoint returns before reading any list.
bool DenseIndex::updatable_locked(uint32_t slot) const {
  if (graph_->cur_element_count == 1) return true;
  for (int level = 0; level <= graph_->element_levels_[slot]; ++level) {
    if (graph_->getListCount(graph_->get_linklist_at_level(slot, level)) == 0) return false;
  }
  return true;
}

// A deleted slot its id leaves: relabelled so that no id maps to it, in memory or when a
// saved graph is loaded (loadIndex maps every slot's label). It stays deleted and is
// reused once it has neighbours at every level.
void DenseIndex::retire_locked(uint32_t slot) {
  auto label = graph_->getExternalLabel(slot);
  auto found = graph_->label_lookup_.find(label);
  if (found != graph_->label_lookup_.end() && found->second == slot) graph_->label_lookup_.erase(found);
  graph_->setExternalLabel(slot, kRetiredLabel);
  free_slots_.insert(slot);
}

// What later hnswlib releases do for replace_deleted: the deleted slot gets the new label,
// is undeleted, and takes the vector as an update, relinking it and its neighbours.
void DenseIndex::reuse_slot_locked(uint32_t slot, uint64_t label, const float* vector) {
  free_slots_.erase(slot);
  auto old = graph_->label_lookup_.find(graph_->getExternalLabel(slot));
  if (old != graph_->label_lookup_.end() && old->second == slot) graph_->label_lookup_.erase(old);
  graph_->label_lookup_[label] = slot;
  graph_->setExternalLabel(slot, label);
  graph_->unmarkDeletedInternal(slot);
  graph_->updatePoint(vector, slot, 1.0f);
}

void DenseIndex::add(int64_t id, const float* vector) {
  if (id < 0) throw std::invalid_argument("dense index ids are non-negative, got " + std::to_string(id));
  std::unique_lock lock(mutex_);
  auto label = static_cast<hnswlib::labeltype>(id);
  auto found = graph_->label_lookup_.find(label);
  if (found != graph_->label_lookup_.end()) {
    uint32_t slot = found->second;
    bool was_deleted = graph_->isMarkedDeleted(slot);
    if (updatable_locked(slot)) {
      // A known id: its vector is replaced in place (and the id undeleted).
      if (was_deleted) {
        free_slots_.erase(slot);
        graph_->unmarkDeletedInternal(slot);
        ++live_;
      }
      graph_->updatePoint(vector, slot, 1.0f);
      return;
    }
    if (!was_deleted) {
      graph_->markDeletedInternal(slot);
      --live_;
    }
    retire_locked(slot);  // the id moves to another slot below
  }
  auto reusable = std::find_if(free_slots_.begin(), free_slots_.end(),
                               [this](uint32_t slot) { return updatable_locked(slot); });
  if (reusable != free_slots_.end()) {
    ++live_;  // counted first: should hnswlib throw while relinking, the slot is live already
    reuse_slot_locked(*reusable, label, vector);
  } else {
    reserve_locked(graph_->cur_element_count + 1);
    graph_->addPoint(vector, label);
    ++live_;
  }
}

void DenseIndex::remove(int64_t id) {
  std::unique_lock lock(mutex_);
  auto label = static_cast<hnswlib::labeltype>(id);
  auto found = graph_->label_lookup_.find(label);
  if (found == graph_->label_lookup_.end() || graph_->isMarkedDeleted(found->second)) return;
  graph_->markDeletedInternal(found->second);
  free_slots_.insert(found->second);
  --live_;
}

std::vector<std::pair<int64_t, float>> DenseIndex::search(const float* query, size_t k) const {
  std::shared_lock lock(mutex_);
  std::vector<std::pair<int64_t, float>> hits;
  if (live_ == 0 || k == 0) return hits;
  // hnswlib widens the beam to k itself when k exceeds ef_search.
  auto queue = graph_->searchKnn(query, k);
  hits.reserve(queue.size());
  while (!queue.empty()) {
    hits.emplace_back(static_cast<int64_t>(queue.top().second), 1.0f - queue.top().first);
    queue.pop();
  }
  std::reverse(hits.begin(), hits.end());
  return hits;
}

size_t DenseIndex::size() const {
  std::shared_lock lock(mutex_);
  return live_;
}

size_t DenseIndex::slots() const {
  std::shared_lock lock(mutex_);
  return graph_->cur_element_count;
}

size_t DenseIndex::capacity() const {
  std::shared_lock lock(mutex_);
  return graph_->max_elements_;
}

void DenseIndex::save(const std::string& path, const std::string& signature) const {
  std::shared_lock lock(mutex_);
  std::string temporary = path + ".tmp";
  make_private_file(temporary);  // written over, keeping its 0600 mode
  graph_->saveIndex(temporary);
  std::filesystem::rename(temporary, path);
  make_private_file(signature_path(path));
  std::ofstream out(signature_path(path), std::ios::trunc);
  out << signature << '\n' << live_ << '\n';
  if (!out) throw std::runtime_error("cannot write " + signature_path(path));
}

bool DenseIndex::load(const std::string& path, const std::string& expected_signature) {
  std::ifstream in(signature_path(path));
  std::string signature;
  size_t live = 0;
  if (!in || !std::getline(in, signature) || !(in >> live) || signature != expected_signature) return false;
  try {
    auto graph = std::make_unique<hnswlib::HierarchicalNSW<float>>(space_.get(), path, false, kInitialCapacity);
    std::unique_lock lock(mutex_);
    graph_ = std::move(graph);
    graph_->ef_ = options_.ef_search;
    live_ = live;
    // A retired slot's label names no id; the removed slots are free again.
    graph_->label_lookup_.erase(kRetiredLabel);
    free_slots_.clear();
    for (uint32_t slot = 0; slot < graph_->cur_element_count; ++slot) {
      if (graph_->isMarkedDeleted(slot)) free_slots_.insert(slot);
    }
  } catch (const std::exception&) {
    return false;
  }
  // The signature only vouches for the graph as saved; once it is loaded, later writes
  // make it stale, so a crash before the next save must not find a matching signature.
  std::filesystem::remove(signature_path(path));
  return true;
}

}  // namespace ragscale::serve
