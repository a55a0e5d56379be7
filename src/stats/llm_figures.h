// LlmFigures: the streamed-answer and SLO statistics of one endpoint (or the aggregate),
// kept beside its request counts and latency histogram.
//
// Contract:
// - ttft, tpot and e2e hold one value per measured stream (microseconds); itl holds every
//   inter-token gap of every stream. All are LatencyHistograms, exact like the request
//   latencies, and merge exactly across threads, seconds and generator hosts.
// - streams counts streamed requests measured to their end; output_tokens sums their
//   tokens (usage.completion_tokens when sent, else the content events counted).
// - slo_judged counts requests judged against the run's SLOs (every completed request
//   when --slo was given); slo_good those that succeeded and met every SLO.
// - empty() is true when nothing LLM-related was recorded: no stream, no SLO verdict.
#pragma once

#include <algorithm>
#include <cstdint>

#include "stats/latency_histogram.h"

namespace ragscale {

struct LlmFigures {
  LatencyHistogram ttft;
  LatencyHistogram itl;
  LatencyHistogram tpot;
  LatencyHistogram e2e;
  uint64_t streams = 0;
  uint64_t output_tokens = 0;
  uint64_t slo_judged = 0;
  uint64_t slo_good = 0;

  bool empty() const { return streams == 0 && slo_judged == 0 && itl.empty() && ttft.empty(); }
  void merge(const LlmFigures& other) {
    ttft.merge(other.ttft);
    itl.merge(other.itl);
    tpot.merge(other.tpot);
    e2e.merge(other.e2e);
    streams += other.streams;
    output_tokens += other.output_tokens;
    slo_judged += other.slo_judged;
    slo_good += other.slo_good;
  }
  // Zeroes everything but keeps the histograms' blocks.
  void reset() {
    ttft.reset();
    itl.reset();
    tpot.reset();
    e2e.reset();
    streams = output_tokens = slo_judged = slo_good = 0;
  }
  // Empty, with the same histogram blocks allocated (see LatencyHistogram::empty_like).
  LlmFigures empty_like() const {
    LlmFigures next;
    next.ttft = ttft.empty_like();
    next.itl = itl.empty_like();
    next.tpot = tpot.empty_like();
    next.e2e = e2e.empty_like();
    return next;
  }
  bool operator==(const LlmFigures&) const = default;
};

// The aggregate's LLM figures of one closed second, for charts over time: what completed
// in that second (streams, tokens, SLO verdicts) and the percentiles of that second's
// TTFTs and inter-token gaps (0 when there were none).
struct LlmSecond {
  uint64_t streams = 0;
  uint64_t output_tokens = 0;
  uint64_t slo_judged = 0;
  uint64_t slo_good = 0;
  uint64_t ttft_p50_us = 0;
  uint64_t ttft_p95_us = 0;
  uint64_t itl_p50_us = 0;
  uint64_t itl_p99_us = 0;

  static LlmSecond of(const LlmFigures& second) {
    LlmSecond point;
    point.streams = second.streams;
    point.output_tokens = second.output_tokens;
    point.slo_judged = second.slo_judged;
    point.slo_good = second.slo_good;
    point.ttft_p50_us = second.ttft.percentile(50);
    point.ttft_p95_us = second.ttft.percentile(95);
    point.itl_p50_us = second.itl.percentile(50);
    point.itl_p99_us = second.itl.percentile(99);
    return point;
  }
  // The fields by kind, for code that treats them alike (combining, serializing).
  static constexpr uint64_t LlmSecond::*kCounts[] = {&LlmSecond::streams, &LlmSecond::output_tokens,
                                                     &LlmSecond::slo_judged, &LlmSecond::slo_good};
  static constexpr uint64_t LlmSecond::*kPercentiles[] = {&LlmSecond::ttft_p50_us, &LlmSecond::ttft_p95_us,
                                                          &LlmSecond::itl_p50_us, &LlmSecond::itl_p99_us};
  // Two generators' same second: counts add, percentiles take the larger (an upper bound).
  static LlmSecond combine(const LlmSecond& a, const LlmSecond& b) {
    LlmSecond sum;
    for (auto field : kCounts) sum.*field = a.*field + b.*field;
    for (auto field : kPercentiles) sum.*field = std::max(a.*field, b.*field);
    return sum;
  }
  bool empty() const { return streams == 0 && slo_judged == 0 && itl_p99_us == 0; }
  bool operator==(const LlmSecond&) const = default;
};

}  // namespace ragscale
