// LlmSummary: the figures a person reads about streamed answers and SLOs, per request
// name and for the whole run, computed from RunStats (the console table, the
// llm_stats.csv and the JSON summary's "llm" sections all read them from here).
//
// Contract:
// - rows(stats) has one row per endpoint with LLM figures (report order) and, last, the
//   aggregate named "Aggregated"; empty when the run had neither streams nor SLOs.
// - Percentiles are kLlmPercentiles of each histogram (microseconds), plus max. e2e is the
//   streams' end-to-end time, or the request latency when nothing was streamed.
// - output_tokens_per_s = output tokens / run duration; per_user = that / peak users.
//   goodput_per_s = good requests / run duration; attainment = good / judged with its
//   95% Wilson interval (nullopt when no SLO was given).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stats/run_stats.h"
#include "stats/wilson_interval.h"

namespace ragscale::load::llm {

inline constexpr std::array<double, 4> kLlmPercentiles = {50, 90, 95, 99};

struct LatencyFigures {
  std::array<uint64_t, kLlmPercentiles.size()> percentiles_us{};
  uint64_t max_us = 0;
  double mean_us = 0;
  uint64_t count = 0;
};

struct LlmRow {
  std::string method;
  std::string name;
  uint64_t requests = 0;
  uint64_t failures = 0;
  uint64_t streams = 0;
  LatencyFigures ttft, itl, tpot, e2e;
  uint64_t output_tokens = 0;
  double output_tokens_per_s = 0;
  double output_tokens_per_s_per_user = 0;
  double goodput_per_s = 0;
  uint64_t slo_judged = 0;
  uint64_t slo_good = 0;
  std::optional<double> attainment;  // 0..1
  ProportionInterval attainment_interval;
};

LatencyFigures latency_figures(const LatencyHistogram& histogram);
LlmRow llm_row(const RunStats& stats, const EndpointStats& endpoint);
std::vector<LlmRow> llm_rows(const RunStats& stats);

}  // namespace ragscale::load::llm
