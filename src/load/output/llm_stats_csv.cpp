#include "load/output/llm_stats_csv.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "load/llm/llm_summary.h"
#include "load/output/csv_format.h"
#include "load/output/number_format.h"
#include "stats/reported_percentiles.h"

namespace ragscale::output {
namespace {

std::string ms(double microseconds) { return format_fixed(microseconds / 1000.0, 3); }

void add_latency_header(std::vector<std::string>& header, const std::string& metric) {
  for (double p : load::llm::kLlmPercentiles) header.push_back(metric + " " + percentile_label(p) + " (ms)");
  header.push_back(metric + " Max (ms)");
}

void add_latency(std::vector<std::string>& row, const load::llm::LatencyFigures& figures) {
  for (uint64_t value : figures.percentiles_us) row.push_back(figures.count == 0 ? "" : ms(double(value)));
  row.push_back(figures.count == 0 ? "" : ms(double(figures.max_us)));
}

}  // namespace

void write_llm_stats_csv(std::ostream& out, const RunStats& stats) {
  std::vector<std::string> header = {"Type", "Name", "Request Count", "Failure Count", "Stream Count"};
  for (const char* metric : {"TTFT", "ITL", "TPOT", "E2E"}) add_latency_header(header, metric);
  for (const char* column : {"Output Tokens", "Output Tokens/s", "Output Tokens/s per User", "Goodput/s",
                             "SLO Attainment %", "SLO Attainment 95% CI Low %", "SLO Attainment 95% CI High %"}) {
    header.emplace_back(column);
  }
  write_csv_row(out, header);
  for (const load::llm::LlmRow& row : load::llm::llm_rows(stats)) {
    std::vector<std::string> fields = {row.method, row.name, std::to_string(row.requests),
                                       std::to_string(row.failures), std::to_string(row.streams)};
    add_latency(fields, row.ttft);
    add_latency(fields, row.itl);
    add_latency(fields, row.tpot);
    add_latency(fields, row.e2e);
    fields.push_back(std::to_string(row.output_tokens));
    fields.push_back(format_fixed(row.output_tokens_per_s, 3));
    fields.push_back(format_fixed(row.output_tokens_per_s_per_user, 3));
    fields.push_back(format_fixed(row.goodput_per_s, 3));
    if (row.attainment) {
      fields.push_back(format_fixed(*row.attainment * 100, 3));
      fields.push_back(format_fixed(row.attainment_interval.low * 100, 3));
      fields.push_back(format_fixed(row.attainment_interval.high * 100, 3));
    } else {
      fields.insert(fields.end(), 3, "");
    }
    write_csv_row(out, fields);
  }
}

bool write_llm_stats_csv_file(const std::string& prefix, const RunStats& stats) {
  if (stats.aggregate().llm().empty()) return false;
  const std::string path = prefix + "_llm_stats.csv";
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("cannot write CSV report '" + path + "': " + std::strerror(errno));
  write_llm_stats_csv(file, stats);
  file.flush();
  if (!file) throw std::runtime_error("error while writing CSV report '" + path + "': " + std::strerror(errno));
  return true;
}

}  // namespace ragscale::output
