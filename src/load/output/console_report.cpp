#include "load/output/console_report.h"

#include <algorithm>
#include <cstdio>
#include <vector>

#include "load/llm/llm_summary.h"
#include "load/output/number_format.h"
#include "load/output/report_order.h"

namespace ragscale::output {
namespace {

constexpr int kTypeWidth = 8;
constexpr size_t kMinNameWidth = 24;

std::string padded(std::string_view text, size_t width, bool right_aligned = false) {
  if (text.size() >= width) return std::string(text);
  const std::string padding(width - text.size(), ' ');
  return right_aligned ? padding + std::string(text) : std::string(text) + padding;
}

size_t name_width(const RunStats& stats) {
  size_t width = kMinNameWidth;
  for (const EndpointStats& endpoint : stats.endpoints()) width = std::max(width, endpoint.name().size());
  return width;
}

std::vector<const EndpointStats*> rows_of(const RunStats& stats) {
  std::vector<const EndpointStats*> rows;
  for (size_t index : endpoints_in_report_order(stats)) rows.push_back(&stats.endpoints()[index]);
  return rows;
}

std::string separator(size_t name_column, const std::vector<size_t>& widths) {
  std::string line = std::string(kTypeWidth, '-') + "|" + std::string(name_column, '-');
  for (size_t width : widths) line += "|" + std::string(width + 1, '-');
  return line + "\n";
}

}  // namespace

std::string format_stats_table(const RunStats& stats) {
  const size_t name_column = name_width(stats);
  const std::vector<size_t> widths = {8, 14, 9, 9, 9, 9, 10, 11};
  auto line = [&](std::string_view type, std::string_view name, const std::vector<std::string>& cells) {
    std::string text = padded(type, kTypeWidth) + " " + padded(name, name_column);
    for (size_t i = 0; i < cells.size(); ++i) text += " " + padded(cells[i], widths[i], true);
    return text + "\n";
  };
  std::string table = line("Type", "Name", {"# reqs", "# fails", "Avg ms", "Min ms", "Max ms", "Med ms", "req/s",
                                            "failures/s"});
  table += separator(name_column, widths);
  auto row = [&](const EndpointStats& endpoint) {
    const LatencyHistogram& latency = endpoint.latency();
    return line(endpoint.method(), endpoint.name(),
                {std::to_string(endpoint.requests()),
                 std::to_string(endpoint.failures()) + "(" + format_fixed(endpoint.failure_ratio() * 100, 2) + "%)",
                 format_ms(latency.mean()), format_ms(latency.min()), format_ms(latency.max()),
                 format_ms(latency.percentile(50)), format_fixed(stats.requests_per_second(endpoint), 2),
                 format_fixed(stats.failures_per_second(endpoint), 2)});
  };
  for (const EndpointStats* endpoint : rows_of(stats)) table += row(*endpoint);
  table += separator(name_column, widths);
  table += row(stats.aggregate());
  return table;
}

std::string format_percentile_table(const RunStats& stats) {
  const size_t name_column = name_width(stats);
  std::vector<size_t> widths = {8};
  widths.insert(widths.end(), kReportedPercentiles.size(), 8);
  auto line = [&](std::string_view type, std::string_view name, const std::vector<std::string>& cells) {
    std::string text = padded(type, kTypeWidth) + " " + padded(name, name_column);
    for (size_t i = 0; i < cells.size(); ++i) text += " " + padded(cells[i], widths[i], true);
    return text + "\n";
  };
  std::vector<std::string> header = {"# reqs"};
  for (double p : kReportedPercentiles) header.push_back(percentile_label(p));
  std::string table = "Response time percentiles in ms (exact to 3 significant digits)\n";
  table += line("Type", "Name", header);
  table += separator(name_column, widths);
  auto row = [&](const EndpointStats& endpoint) {
    uint64_t values[kReportedPercentiles.size()];
    endpoint.latency().percentiles(kReportedPercentiles, values);
    std::vector<std::string> cells = {std::to_string(endpoint.requests())};
    for (uint64_t value : values) cells.push_back(format_ms(value));
    return line(endpoint.method(), endpoint.name(), cells);
  };
  // As Locust, endpoints without any request have no percentiles to show.
  for (const EndpointStats* endpoint : rows_of(stats)) {
    if (endpoint->requests() != 0) table += row(*endpoint);
  }
  table += separator(name_column, widths);
  if (stats.aggregate().requests() != 0) table += row(stats.aggregate());
  return table;
}

std::string format_error_table(const RunStats& stats) {
  if (stats.errors().empty()) return "";
  std::string table = "Error report\n";
  table += padded("# occurrences", 18) + " Error\n";
  const std::string rule = std::string(18, '-') + "|" + std::string(name_width(stats) + 60, '-') + "\n";
  table += rule;
  for (const ErrorRecord* error : errors_in_report_order(stats)) {
    table += padded(std::to_string(error->occurrences), 18) + " " + error->method + " " + error->name + ": " +
             error->message + "\n";
  }
  table += rule;
  return table;
}

std::string format_llm_table(const RunStats& stats) {
  const std::vector<load::llm::LlmRow> rows = load::llm::llm_rows(stats);
  if (rows.empty()) return "";
  const size_t name_column = name_width(stats);
  const std::vector<size_t> widths = {8, 9, 9, 8, 8, 9, 9, 9, 8, 10, 9, 22};
  auto line = [&](std::string_view type, std::string_view name, const std::vector<std::string>& cells) {
    std::string text = padded(type, kTypeWidth) + " " + padded(name, name_column);
    for (size_t i = 0; i < cells.size(); ++i) text += " " + padded(cells[i], widths[i], true);
    return text + "\n";
  };
  std::string table = "Streamed answers and SLOs (times in ms; SLO met with its 95% Wilson interval)\n";
  table += line("Type", "Name", {"# reqs", "TTFT p50", "TTFT p99", "ITL p50", "ITL p99", "TPOT p50", "E2E p50",
                                 "tokens", "tok/s", "tok/s/user", "goodput/s", "SLO met"});
  table += separator(name_column, widths);
  auto cell = [](const load::llm::LatencyFigures& figures, size_t index) {
    return figures.count == 0 ? std::string("-") : format_ms(figures.percentiles_us[index]);
  };
  for (size_t i = 0; i < rows.size(); ++i) {
    const load::llm::LlmRow& row = rows[i];
    if (i + 1 == rows.size()) table += separator(name_column, widths);
    std::string met = "-";
    if (row.attainment) {
      met = format_fixed(*row.attainment * 100, 1) + "% (" + format_fixed(row.attainment_interval.low * 100, 1) + "-" +
            format_fixed(row.attainment_interval.high * 100, 1) + ")";
    }
    table += line(row.method, row.name,
                  {std::to_string(row.requests), cell(row.ttft, 0), cell(row.ttft, 3), cell(row.itl, 0),
                   cell(row.itl, 3), cell(row.tpot, 0), cell(row.e2e, 0), std::to_string(row.output_tokens),
                   format_fixed(row.output_tokens_per_s, 1), format_fixed(row.output_tokens_per_s_per_user, 2),
                   row.attainment ? format_fixed(row.goodput_per_s, 2) : "-", met});
  }
  return table;
}

std::string format_retry_table(const RunStats& stats) {
  if (stats.aggregate().retries() == 0) return "";
  const size_t name_column = name_width(stats);
  std::string table = "Retries (attempts repeated by retry: policies; each request above counts once, with its "
                      "final outcome)\n";
  auto line = [&](std::string_view type, std::string_view name, const EndpointStats& endpoint) {
    return padded(type, kTypeWidth) + " " + padded(name, name_column) + " " +
           padded(std::to_string(endpoint.retries()), 9, true) + "\n";
  };
  table += padded("Type", kTypeWidth) + " " + padded("Name", name_column) + " " + padded("# retries", 9, true) + "\n";
  for (const EndpointStats* endpoint : rows_of(stats)) {
    if (endpoint->retries() != 0) table += line(endpoint->method(), endpoint->name(), *endpoint);
  }
  table += line("", kAggregateName, stats.aggregate());
  return table;
}

std::string format_end_of_run_report(const RunStats& stats) {
  std::string report = format_stats_table(stats) + "\n" + format_percentile_table(stats);
  const std::string llm = format_llm_table(stats);
  if (!llm.empty()) report += "\n" + llm;
  const std::string retries = format_retry_table(stats);
  if (!retries.empty()) report += "\n" + retries;
  const std::string errors = format_error_table(stats);
  if (!errors.empty()) report += "\n" + errors;
  return report;
}

}  // namespace ragscale::output
