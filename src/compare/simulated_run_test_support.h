// Test support: load runs made up second by second, with the noise of a shared machine, for
// the comparison tests. Header-only and used only by *_test.cpp files.
//
// A run has `seconds` closed seconds of `requests_per_second` requests each. A request's
// latency is latency_us * second_factor * request_factor: second_factor is shared by every
// request of that second (lognormal with sigma second_noise: a hiccup slows all of them,
// which is what makes requests not independent), request_factor is the request's own
// (lognormal with sigma request_noise). Each request fails with failure_ratio. Streams, when
// asked for, record one TTFT of ttft_us scaled the same way, a few token gaps and tokens.
// hiccup_second, when set, is a second whose requests are all slower by hiccup_factor.
#pragma once

#include <cmath>
#include <random>
#include <string>

#include "load/output/json_summary.h"
#include "stats/stats_shard.h"

namespace ragscale::compare::testing {

struct SimulatedRun {
  int seconds = 12;
  int requests_per_second = 200;
  double latency_us = 20000;
  double second_noise = 0.03;
  double request_noise = 0.1;
  double failure_ratio = 0;
  int hiccup_second = -1;  // this second's requests are all slower by hiccup_factor
  double hiccup_factor = 1;
  double ttft_us = 0;  // > 0: every request is a streamed answer
  std::string method = "GET";
  std::string name = "/x";
  std::string host = "http://127.0.0.1:8080";
  std::string scenario;
};

inline output::RunSummary simulate_run(const SimulatedRun& run, uint64_t seed) {
  std::mt19937_64 random(seed);
  std::normal_distribution<double> normal(0.0, 1.0);
  std::uniform_real_distribution<double> uniform(0.0, 1.0);
  output::RunSummary summary;
  summary.info.host = run.host;
  if (!run.scenario.empty()) summary.info.settings.emplace_back("scenario", run.scenario);
  StatsShard shard;
  const uint32_t id = shard.endpoint_id(run.method, run.name);
  const double start = 1'700'000'000.0;
  summary.stats.begin(start);
  // One partial second at each end, as a real run has.
  for (int second = 0; second <= run.seconds + 1; ++second) {
    const bool partial = second == 0 || second == run.seconds + 1;
    const int requests = partial ? run.requests_per_second / 3 : run.requests_per_second;
    const double second_factor =
        std::exp(run.second_noise * normal(random)) * (second == run.hiccup_second ? run.hiccup_factor : 1.0);
    for (int i = 0; i < requests; ++i) {
      const double factor = second_factor * std::exp(run.request_noise * normal(random));
      const uint64_t latency = uint64_t(run.latency_us * factor);
      if (uniform(random) < run.failure_ratio) {
        shard.record_failure(id, latency, 0, ErrorKind::kHttpStatus, "HTTP 500");
      } else {
        shard.record_success(id, latency, 100);
      }
      if (run.ttft_us > 0) {
        for (int gap = 0; gap < 4; ++gap) shard.record_token_gap(id, uint64_t(run.ttft_us / 10 * factor));
        shard.record_stream(id, uint64_t(run.ttft_us * factor), uint64_t(run.ttft_us / 10 * factor), latency, 5);
      }
    }
    summary.stats.add(shard.take_interval());
    summary.stats.close_second(start + second + 1, 10);
  }
  summary.stats.finish(start + run.seconds + 2);
  return summary;
}

}  // namespace ragscale::compare::testing
