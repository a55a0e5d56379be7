// Inner-product distance kernels for the dense index, in hnswlib's distance-function
// shape: f(a, b, &dimension) = 1 - dot(a, b) over `dimension` floats, any dimension.
// Distance computations are most of the cost of building and searching the graph and
// the portable build only enables SSE, so an AVX2+FMA kernel is chosen at run time on
// CPUs that have it (cpu_has_avx2_fma); both agree with the plain dot product to float
// rounding.
#pragma once

#include <cstddef>

namespace ragscale::serve {

bool cpu_has_avx2_fma();

float inner_product_distance_sse(const void* a, const void* b, const void* dimension);
// Only on CPUs where cpu_has_avx2_fma() is true.
__attribute__((target("avx2,fma"))) float inner_product_distance_avx2(const void* a, const void* b,
                                                                      const void* dimension);

}  // namespace ragscale::serve
