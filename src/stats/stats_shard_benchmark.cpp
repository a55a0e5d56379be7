#include <benchmark/benchmark.h>

#include "stats/stats_shard.h"

namespace ragscale {
namespace {

// The per-request cost the load generator pays: must stay a few nanoseconds to leave room for
// >130,000 requests/s per core.
void BM_StatsShardRecordSuccess(benchmark::State& state) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/");
  uint64_t latency = 300;
  for (auto _ : state) {
    shard.record_success(id, latency, 612);
    latency = latency * 1103515245 % 20011 + 100;  // cheap spread over ~100 us .. 20 ms
  }
  benchmark::DoNotOptimize(shard.take_interval());
}
BENCHMARK(BM_StatsShardRecordSuccess);

void BM_StatsShardRecordFailureSameMessage(benchmark::State& state) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/");
  for (auto _ : state) shard.record_failure(id, 250, 0, ErrorKind::kConnectionRefused, "connection refused");
  benchmark::DoNotOptimize(shard.take_interval());
}
BENCHMARK(BM_StatsShardRecordFailureSameMessage);

void BM_StatsShardRecordFailureAlternatingMessages(benchmark::State& state) {
  StatsShard shard;
  const uint32_t id = shard.endpoint_id("GET", "/");
  bool flip = false;
  for (auto _ : state) {
    shard.record_failure(id, 250, 0, ErrorKind::kHttpStatus, flip ? "HTTP 500" : "HTTP 503");
    flip = !flip;
  }
  benchmark::DoNotOptimize(shard.take_interval());
}
BENCHMARK(BM_StatsShardRecordFailureAlternatingMessages);

}  // namespace
}  // namespace ragscale
