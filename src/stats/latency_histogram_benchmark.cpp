#include <benchmark/benchmark.h>

#include <random>
#include <vector>

#include "stats/latency_histogram.h"

namespace ragscale {
namespace {

// Latencies spread like a real HTTP run (lognormal around ~1 ms) so the branch predictor and
// caches see a realistic bucket spread rather than one hot slot.
std::vector<uint64_t> realistic_latencies() {
  std::mt19937_64 random(1);
  std::lognormal_distribution<double> latency(7.0, 1.0);
  std::vector<uint64_t> values(1 << 16);
  for (auto& value : values) value = uint64_t(latency(random)) + 1;
  return values;
}

void BM_LatencyHistogramRecord(benchmark::State& state) {
  const std::vector<uint64_t> values = realistic_latencies();
  LatencyHistogram histogram;
  for (uint64_t value : values) histogram.record(value);  // blocks exist: steady state
  size_t next = 0;
  for (auto _ : state) {
    histogram.record(values[next]);
    next = (next + 1) & (values.size() - 1);
  }
  benchmark::DoNotOptimize(histogram.count());
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_LatencyHistogramRecord);

void BM_LatencyHistogramPercentiles(benchmark::State& state) {
  const std::vector<uint64_t> values = realistic_latencies();
  LatencyHistogram histogram;
  for (uint64_t value : values) histogram.record(value);
  const double ps[] = {50, 66, 75, 80, 90, 95, 98, 99, 99.9, 99.99, 100};
  uint64_t out[std::size(ps)];
  for (auto _ : state) {
    histogram.percentiles(ps, out);
    benchmark::DoNotOptimize(out);
  }
}
BENCHMARK(BM_LatencyHistogramPercentiles);

}  // namespace
}  // namespace ragscale
