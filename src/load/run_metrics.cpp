#include "load/run_metrics.h"

#include <charconv>

namespace ragscale::load {

namespace {

struct Totals {
  uint64_t requests = 0;
  uint64_t failures = 0;
  uint64_t rate_limited = 0;
  LatencyHistogram latency;
  LlmFigures llm;
};

Totals totals_for(const RunStats& stats, std::string_view name_filter) {
  Totals totals;
  auto add = [&](const EndpointStats& endpoint) {
    totals.requests += endpoint.requests();
    totals.failures += endpoint.failures();
    totals.rate_limited += endpoint.rate_limited();
    totals.latency.merge(endpoint.latency());
    totals.llm.merge(endpoint.llm());
  };
  if (name_filter.empty()) {
    add(stats.aggregate());
  } else {
    for (const auto& endpoint : stats.endpoints()) {
      if (endpoint.name() == name_filter) add(endpoint);
    }
  }
  return totals;
}

// The histogram a duration metric reads, or nullptr.
const LatencyHistogram* histogram_of(const Totals& totals, std::string_view metric) {
  if (metric == "http_req_duration") return &totals.latency;
  if (metric == "ttft") return &totals.llm.ttft;
  if (metric == "itl") return &totals.llm.itl;
  if (metric == "tpot") return &totals.llm.tpot;
  if (metric == "e2e") return &totals.llm.e2e;
  return nullptr;
}

std::optional<RunMetrics::Proportion> proportion_of(const Totals& totals, std::string_view metric) {
  if (totals.requests == 0) return std::nullopt;
  if (metric == "http_req_failed") return RunMetrics::Proportion{totals.failures, totals.requests};
  if (metric == "checks") return RunMetrics::Proportion{totals.requests - totals.failures, totals.requests};
  if (metric == "http_req_rate_limited") return RunMetrics::Proportion{totals.rate_limited, totals.requests};
  return std::nullopt;
}

std::optional<double> ratio(uint64_t part, uint64_t whole) {
  if (whole == 0) return std::nullopt;
  return static_cast<double>(part) / static_cast<double>(whole);
}

std::optional<double> per_second(const RunStats& stats, uint64_t count) {
  double seconds = stats.duration_seconds();
  if (seconds <= 0) return std::nullopt;
  return static_cast<double>(count) / seconds;
}

// avg, min, max, med or p(N) of a histogram of microseconds, in milliseconds.
std::optional<double> milliseconds(const LatencyHistogram& h, std::string_view aggregation) {
  if (h.empty()) return std::nullopt;
  if (aggregation == "avg") return h.mean() / 1000.0;
  if (aggregation == "min") return static_cast<double>(h.min()) / 1000.0;
  if (aggregation == "max") return static_cast<double>(h.max()) / 1000.0;
  if (aggregation == "med") return static_cast<double>(h.percentile(50)) / 1000.0;
  if (aggregation.size() > 3 && aggregation.substr(0, 2) == "p(" && aggregation.back() == ')') {
    std::string_view number = aggregation.substr(2, aggregation.size() - 3);
    double percent = 0;
    auto [end, ec] = std::from_chars(number.data(), number.data() + number.size(), percent);
    if (ec != std::errc() || end != number.data() + number.size()) return std::nullopt;
    return static_cast<double>(h.percentile(percent)) / 1000.0;
  }
  return std::nullopt;
}

std::optional<double> llm_value(const RunStats& stats, const LlmFigures& llm, std::string_view metric,
                                std::string_view aggregation) {
  if (metric == "output_tokens") {
    if (llm.streams == 0) return std::nullopt;
    if (aggregation == "count") return static_cast<double>(llm.output_tokens);
    if (aggregation == "rate") return per_second(stats, llm.output_tokens);
  }
  if (llm.slo_judged == 0) return std::nullopt;
  if (metric == "slo_attainment" && aggregation == "rate") return ratio(llm.slo_good, llm.slo_judged);
  if (metric == "goodput") {
    if (aggregation == "count") return static_cast<double>(llm.slo_good);
    if (aggregation == "rate") return per_second(stats, llm.slo_good);
  }
  return std::nullopt;
}

}  // namespace

std::optional<double> RunMetrics::value(std::string_view metric, std::string_view name_filter,
                                        std::string_view aggregation) const {
  if (metric == "iterations" || metric == "dropped_iterations") {
    uint64_t count = metric == "iterations" ? stats_.iterations() : stats_.dropped();
    if (aggregation == "count") return static_cast<double>(count);
    if (aggregation == "rate") return per_second(stats_, count);
    return std::nullopt;
  }
  Totals totals = totals_for(stats_, name_filter);
  if (totals.requests == 0) return std::nullopt;
  if (const LatencyHistogram* histogram = histogram_of(totals, metric)) return milliseconds(*histogram, aggregation);
  if (auto llm = llm_value(stats_, totals.llm, metric, aggregation)) return llm;
  if ((metric == "http_req_failed" || metric == "checks") && aggregation == "rate") {
    const auto counts = proportion_of(totals, metric);
    return ratio(counts->hits, counts->trials);
  }
  if (metric == "http_reqs") {
    if (aggregation == "count") return static_cast<double>(totals.requests);
    if (aggregation == "rate") return per_second(stats_, totals.requests);
  }
  if (metric == "http_req_rate_limited") {
    if (aggregation == "count") return static_cast<double>(totals.rate_limited);
    if (aggregation == "rate") return ratio(totals.rate_limited, totals.requests);
  }
  return std::nullopt;
}

std::optional<RunMetrics::Proportion> RunMetrics::proportion(std::string_view metric,
                                                            std::string_view name_filter) const {
  return proportion_of(totals_for(stats_, name_filter), metric);
}

std::optional<LatencyHistogram> RunMetrics::distribution(std::string_view metric, std::string_view name_filter) const {
  Totals totals = totals_for(stats_, name_filter);
  const LatencyHistogram* histogram = histogram_of(totals, metric);
  if (histogram == nullptr || totals.requests == 0) return std::nullopt;
  return *histogram;
}

}  // namespace ragscale::load
