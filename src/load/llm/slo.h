// Service-level objectives of one request (--slo), and the goodput verdict they give.
//
// Contract:
// - parse_slo("ttft<500ms") reads METRIC OP DURATION with METRIC one of ttft, itl, tpot,
//   e2e, latency, OP < or <=, and a duration (common/duration.h; a bare number is ms).
//   Bad text throws std::invalid_argument saying what is wrong and showing the form.
// - A request is good when it succeeded and meets every SLO (vLLM's goodput: ttft, tpot
//   and e2e judged per request). Per-request values: ttft = time to first token (for a
//   request that was not streamed, its latency: the first token came with the body);
//   tpot = (end - first token) / (tokens - 1), 0 with fewer than two tokens, as vLLM
//   counts it; itl = the request's largest inter-token gap (every gap within the bound;
//   vLLM has no ITL objective, its per-request mean gap is TPOT); e2e = latency = the
//   request's whole time, from its send (or, in the open model, its due time).
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace ragscale::load::llm {

enum class SloMetric { kTtft, kItl, kTpot, kE2e, kLatency };

struct Slo {
  SloMetric metric = SloMetric::kTtft;
  bool inclusive = false;  // <= rather than <
  uint64_t limit_us = 0;
  std::string text;        // as given, for reports
};

struct RequestFigures {
  uint64_t latency_us = 0;
  std::optional<uint64_t> ttft_us;
  std::optional<uint64_t> tpot_us;
  uint64_t max_itl_us = 0;
};

Slo parse_slo(std::string_view text);
bool meets(const Slo& slo, const RequestFigures& request);
bool meets_all(std::span<const Slo> slos, const RequestFigures& request);

}  // namespace ragscale::load::llm
