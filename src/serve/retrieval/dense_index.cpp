#include "serve/retrieval/dense_index.h"

// hnswlib's SSE code paths prefetch one element past the end of neighbour lists (a
// heap over-read AddressSanitizer reports); they are switched off and the index uses
// the kernels of inner_product.h instead.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

#include "serve/retrieval/inner_product.h"
#include "serve/storage/private_files.h"

namespace ragscale::serve {
namespace {

constexpr size_t kInitialCapacity = 1024;

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

void DenseIndex::add(int64_t id, const float* vector) {
  std::unique_lock lock(mutex_);
  auto label = static_cast<hnswlib::labeltype>(id);
  bool known = graph_->label_lookup_.count(label) > 0;
  bool was_deleted = false;
  if (known) {
    auto internal = graph_->label_lookup_.at(label);
    was_deleted = graph_->isMarkedDeleted(internal);
  } else {
    reserve_locked(graph_->cur_element_count + 1);
  }
  graph_->addPoint(vector, label);  // updates the vector (and undeletes) for a known label
  if (!known || was_deleted) ++live_;
}

void DenseIndex::remove(int64_t id) {
  std::unique_lock lock(mutex_);
  auto label = static_cast<hnswlib::labeltype>(id);
  auto found = graph_->label_lookup_.find(label);
  if (found == graph_->label_lookup_.end() || graph_->isMarkedDeleted(found->second)) return;
  graph_->markDelete(label);
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
  } catch (const std::exception&) {
    return false;
  }
  // The signature only vouches for the graph as saved; once it is loaded, later writes
  // make it stale, so a crash before the next save must not find a matching signature.
  std::filesystem::remove(signature_path(path));
  return true;
}

}  // namespace ragscale::serve
