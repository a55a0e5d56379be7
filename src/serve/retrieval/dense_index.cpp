#include "serve/retrieval/dense_index.h"

// hnswlib's SSE code paths prefetch one element past the end of neighbour lists (a
// heap over-read AddressSanitizer reports); they are switched off and this file
// supplies its own vectorized distance kernels instead.
#define NO_MANUAL_VECTORIZATION
#include <hnswlib/hnswlib.h>
#include <immintrin.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>

namespace ragscale::serve {
namespace {

constexpr size_t kInitialCapacity = 1024;

// Distance computations are most of the cost of building and searching the graph, and
// the portable build only enables SSE; on CPUs with AVX2 and FMA this kernel does the
// same 1 - dot(a, b) at twice the width.
__attribute__((target("avx2,fma"))) float inner_product_distance_avx2(const void* a, const void* b,
                                                                      const void* dimension_param) {
  const auto* x = static_cast<const float*>(a);
  const auto* y = static_cast<const float*>(b);
  size_t dimension = *static_cast<const size_t*>(dimension_param);
  __m256 sum0 = _mm256_setzero_ps();
  __m256 sum1 = _mm256_setzero_ps();
  size_t i = 0;
  for (; i + 16 <= dimension; i += 16) {
    sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), sum0);
    sum1 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i + 8), _mm256_loadu_ps(y + i + 8), sum1);
  }
  for (; i + 8 <= dimension; i += 8) sum0 = _mm256_fmadd_ps(_mm256_loadu_ps(x + i), _mm256_loadu_ps(y + i), sum0);
  __m256 sum = _mm256_add_ps(sum0, sum1);
  __m128 half = _mm_add_ps(_mm256_castps256_ps128(sum), _mm256_extractf128_ps(sum, 1));
  half = _mm_hadd_ps(half, half);
  half = _mm_hadd_ps(half, half);
  float dot = _mm_cvtss_f32(half);
  for (; i < dimension; ++i) dot += x[i] * y[i];
  return 1.0f - dot;
}

// The same with SSE, which every x86-64 CPU has.
float inner_product_distance_sse(const void* a, const void* b, const void* dimension_param) {
  const auto* x = static_cast<const float*>(a);
  const auto* y = static_cast<const float*>(b);
  size_t dimension = *static_cast<const size_t*>(dimension_param);
  __m128 sum0 = _mm_setzero_ps();
  __m128 sum1 = _mm_setzero_ps();
  size_t i = 0;
  for (; i + 8 <= dimension; i += 8) {
    sum0 = _mm_add_ps(sum0, _mm_mul_ps(_mm_loadu_ps(x + i), _mm_loadu_ps(y + i)));
    sum1 = _mm_add_ps(sum1, _mm_mul_ps(_mm_loadu_ps(x + i + 4), _mm_loadu_ps(y + i + 4)));
  }
  alignas(16) float lanes[4];
  _mm_store_ps(lanes, _mm_add_ps(sum0, sum1));
  float dot = lanes[0] + lanes[1] + lanes[2] + lanes[3];
  for (; i < dimension; ++i) dot += x[i] * y[i];
  return 1.0f - dot;
}

// An inner-product space for hnswlib using the widest kernel the CPU supports.
class InnerProductSpace final : public hnswlib::SpaceInterface<float> {
 public:
  explicit InnerProductSpace(size_t dimension) : dimension_(dimension) {
    __builtin_cpu_init();
    bool wide = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    distance_ = wide ? inner_product_distance_avx2 : inner_product_distance_sse;
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
  graph_->saveIndex(temporary);
  std::filesystem::rename(temporary, path);
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
