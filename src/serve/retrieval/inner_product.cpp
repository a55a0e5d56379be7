#include "serve/retrieval/inner_product.h"

#include <immintrin.h>

namespace ragscale::serve {

bool cpu_has_avx2_fma() {
  __builtin_cpu_init();
  return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
}

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

}  // namespace ragscale::serve
