#include "load/llm/llm_summary.h"

#include <algorithm>

#include "load/output/report_order.h"

namespace ragscale::load::llm {

LatencyFigures latency_figures(const LatencyHistogram& histogram) {
  LatencyFigures figures;
  histogram.percentiles(kLlmPercentiles, figures.percentiles_us);
  figures.max_us = histogram.max();
  figures.mean_us = histogram.mean();
  figures.count = histogram.count();
  return figures;
}

LlmRow llm_row(const RunStats& stats, const EndpointStats& endpoint) {
  const LlmFigures& llm = endpoint.llm();
  const double seconds = stats.duration_seconds();
  LlmRow row;
  row.method = endpoint.method();
  row.name = endpoint.name();
  row.requests = endpoint.requests();
  row.failures = endpoint.failures();
  row.streams = llm.streams;
  row.ttft = latency_figures(llm.ttft);
  row.itl = latency_figures(llm.itl);
  row.tpot = latency_figures(llm.tpot);
  row.e2e = latency_figures(llm.streams > 0 ? llm.e2e : endpoint.latency());
  row.output_tokens = llm.output_tokens;
  if (seconds > 0) {
    row.output_tokens_per_s = static_cast<double>(llm.output_tokens) / seconds;
    row.goodput_per_s = static_cast<double>(llm.slo_good) / seconds;
  }
  row.output_tokens_per_s_per_user = row.output_tokens_per_s / std::max(1, stats.peak_user_count());
  row.slo_judged = llm.slo_judged;
  row.slo_good = llm.slo_good;
  if (llm.slo_judged > 0) {
    row.attainment = static_cast<double>(llm.slo_good) / static_cast<double>(llm.slo_judged);
    row.attainment_interval = wilson_interval(llm.slo_good, llm.slo_judged);
  }
  return row;
}

std::vector<LlmRow> llm_rows(const RunStats& stats) {
  std::vector<LlmRow> rows;
  if (stats.aggregate().llm().empty()) return rows;
  for (size_t index : output::endpoints_in_report_order(stats)) {
    const EndpointStats& endpoint = stats.endpoints()[index];
    if (!endpoint.llm().empty()) rows.push_back(llm_row(stats, endpoint));
  }
  rows.push_back(llm_row(stats, stats.aggregate()));
  return rows;
}

}  // namespace ragscale::load::llm
