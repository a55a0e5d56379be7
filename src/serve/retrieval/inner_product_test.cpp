#include "serve/retrieval/inner_product.h"

#include <gtest/gtest.h>

#include <random>
#include <vector>

namespace ragscale::serve {
namespace {

TEST(InnerProductTest, KernelsMatchThePlainDotProductForEveryDimension) {
  std::mt19937 random(11);
  std::uniform_real_distribution<float> uniform(-1.0f, 1.0f);
  for (size_t dimension = 1; dimension <= 70; ++dimension) {
    std::vector<float> a(dimension), b(dimension);
    double dot = 0;
    for (size_t i = 0; i < dimension; ++i) {
      a[i] = uniform(random);
      b[i] = uniform(random);
      dot += static_cast<double>(a[i]) * b[i];
    }
    EXPECT_NEAR(inner_product_distance_sse(a.data(), b.data(), &dimension), 1.0 - dot, 1e-4) << dimension;
    if (cpu_has_avx2_fma()) {
      EXPECT_NEAR(inner_product_distance_avx2(a.data(), b.data(), &dimension), 1.0 - dot, 1e-4) << dimension;
    }
  }
}

}  // namespace
}  // namespace ragscale::serve
