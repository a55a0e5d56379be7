#include "load/llm/slo.h"

#include <stdexcept>

#include "common/duration.h"

namespace ragscale::load::llm {
namespace {

[[noreturn]] void bad(std::string_view text, const std::string& problem) {
  throw std::invalid_argument("--slo '" + std::string(text) + "': " + problem +
                              "; write METRIC<DURATION with METRIC ttft, itl, tpot, e2e or latency, e.g. "
                              "--slo 'ttft<500ms' --slo 'tpot<=50ms'");
}

}  // namespace

Slo parse_slo(std::string_view text) {
  const size_t op = text.find('<');
  if (op == std::string_view::npos) bad(text, "no '<' or '<='");
  Slo slo;
  slo.text = std::string(text);
  std::string_view metric = text.substr(0, op);
  while (!metric.empty() && metric.back() == ' ') metric.remove_suffix(1);
  while (!metric.empty() && metric.front() == ' ') metric.remove_prefix(1);
  if (metric == "ttft") slo.metric = SloMetric::kTtft;
  else if (metric == "itl") slo.metric = SloMetric::kItl;
  else if (metric == "tpot") slo.metric = SloMetric::kTpot;
  else if (metric == "e2e" || metric == "e2el") slo.metric = SloMetric::kE2e;
  else if (metric == "latency") slo.metric = SloMetric::kLatency;
  else bad(text, "unknown metric '" + std::string(metric) + "'");
  std::string_view limit = text.substr(op + 1);
  if (!limit.empty() && limit.front() == '=') {
    slo.inclusive = true;
    limit.remove_prefix(1);
  }
  while (!limit.empty() && limit.front() == ' ') limit.remove_prefix(1);
  if (limit.empty()) bad(text, "no limit after the operator");
  std::string error;
  std::optional<std::chrono::microseconds> value;
  if (limit.find_first_not_of("0123456789.") == std::string_view::npos) {
    value = try_parse_duration(std::string(limit) + "ms", &error);  // a bare number is milliseconds
  } else {
    value = try_parse_duration(limit, &error);
  }
  if (!value) bad(text, error);
  if (value->count() <= 0) bad(text, "the limit must be above zero");
  slo.limit_us = static_cast<uint64_t>(value->count());
  return slo;
}

bool meets(const Slo& slo, const RequestFigures& request) {
  uint64_t value = 0;
  switch (slo.metric) {
    case SloMetric::kTtft: value = request.ttft_us.value_or(request.latency_us); break;
    case SloMetric::kItl: value = request.max_itl_us; break;
    case SloMetric::kTpot: value = request.tpot_us.value_or(0); break;
    case SloMetric::kE2e:
    case SloMetric::kLatency: value = request.latency_us; break;
  }
  return slo.inclusive ? value <= slo.limit_us : value < slo.limit_us;
}

bool meets_all(std::span<const Slo> slos, const RequestFigures& request) {
  for (const Slo& slo : slos) {
    if (!meets(slo, request)) return false;
  }
  return true;
}

}  // namespace ragscale::load::llm
