#include "load/output/locust_csv_writer.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <stdexcept>
#include <vector>

#include "load/output/csv_format.h"
#include "load/output/number_format.h"
#include "load/output/report_order.h"

namespace ragscale::output {
namespace {

void write_row(std::ostream& out, const std::vector<std::string>& fields) { write_csv_row(out, fields); }

std::vector<std::string> percentile_labels() {
  std::vector<std::string> labels;
  for (double p : kReportedPercentiles) labels.push_back(percentile_label(p));
  return labels;
}

void append(std::vector<std::string>& row, std::initializer_list<std::string> fields) {
  row.insert(row.end(), fields.begin(), fields.end());
}

// Locust prints f"{x:2f}": a minimum width of 2 with the default 6 decimals.
std::string locust_rate(double value) {
  char text[64];
  std::snprintf(text, sizeof text, "%2f", value);
  return text;
}

// The columns Locust writes as integers (percentiles, medians).
std::string locust_int_ms(uint64_t microseconds, const LocustCsvOptions& options) {
  return options.precise ? format_ms(microseconds) : format_whole_ms(microseconds);
}

void write_stats_row(std::ostream& out, const RunStats& stats, const EndpointStats& endpoint,
                     const LocustCsvOptions& options) {
  const LatencyHistogram& latency = endpoint.latency();
  std::vector<std::string> row = {endpoint.method(), endpoint.name()};
  append(row, {std::to_string(endpoint.requests()), std::to_string(endpoint.failures()),
               locust_int_ms(latency.percentile(50), options), format_ms(latency.mean()), format_ms(latency.min()),
               format_ms(latency.max()), format_decimal(endpoint.mean_bytes()),
               format_decimal(stats.requests_per_second(endpoint)), format_decimal(stats.failures_per_second(endpoint))});
  if (endpoint.requests() == 0) {
    row.insert(row.end(), kReportedPercentiles.size(), "N/A");
  } else {
    uint64_t values[kReportedPercentiles.size()];
    latency.percentiles(kReportedPercentiles, values);
    for (uint64_t value : values) row.push_back(locust_int_ms(value, options));
  }
  write_row(out, row);
}

void write_history_row(std::ostream& out, const HistoryRow& row, std::string_view method, std::string_view name,
                       const SeriesPoint& point, const LocustCsvOptions& options) {
  std::vector<std::string> fields = {std::to_string(int64_t(std::floor(row.unix_time))),
                                     std::to_string(row.user_count),
                                     std::string(method),
                                     std::string(name),
                                     locust_rate(point.current_rps),
                                     locust_rate(point.current_fps)};
  for (uint64_t value : point.window_percentiles_us) {
    if (point.total_requests == 0) {
      fields.push_back("N/A");
    } else {
      fields.push_back(point.window_requests == 0 ? "0" : locust_int_ms(value, options));
    }
  }
  const double mean_bytes = point.total_requests == 0 ? 0.0 : double(point.total_bytes) / double(point.total_requests);
  append(fields, {std::to_string(point.total_requests), std::to_string(point.total_failures),
                  locust_int_ms(point.total_median_us, options), format_ms(point.total_mean_us),
                  format_ms(point.total_min_us),
                  format_ms(point.total_max_us), format_decimal(mean_bytes)});
  write_row(out, fields);
}

void write_file(const std::string& path, const std::function<void(std::ostream&)>& write) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    throw std::runtime_error("cannot write CSV report '" + path + "': " + std::strerror(errno) +
                             " (check that the --csv prefix points into an existing, writable directory)");
  }
  write(file);
  file.flush();
  if (!file) throw std::runtime_error("error while writing CSV report '" + path + "': " + std::strerror(errno));
}

}  // namespace

void write_locust_stats_csv(std::ostream& out, const RunStats& stats, const LocustCsvOptions& options) {
  std::vector<std::string> header = {"Type",
                                     "Name",
                                     "Request Count",
                                     "Failure Count",
                                     "Median Response Time",
                                     "Average Response Time",
                                     "Min Response Time",
                                     "Max Response Time",
                                     "Average Content Size",
                                     "Requests/s",
                                     "Failures/s"};
  for (std::string& label : percentile_labels()) header.push_back(std::move(label));
  write_row(out, header);
  for (size_t index : endpoints_in_report_order(stats)) {
    write_stats_row(out, stats, stats.endpoints()[index], options);
  }
  write_stats_row(out, stats, stats.aggregate(), options);
}

void write_locust_stats_history_csv(std::ostream& out, const RunStats& stats, const LocustCsvOptions& options) {
  std::vector<std::string> header = {"Timestamp", "User Count", "Type", "Name", "Requests/s", "Failures/s"};
  for (std::string& label : percentile_labels()) header.push_back(std::move(label));
  append(header, {"Total Request Count", "Total Failure Count", "Total Median Response Time",
                  "Total Average Response Time", "Total Min Response Time", "Total Max Response Time",
                  "Total Average Content Size"});
  write_row(out, header);
  const std::vector<size_t> order = endpoints_in_report_order(stats);
  for (const HistoryRow& row : stats.history()) {
    if (options.full_history) {
      for (size_t index : order) {
        // Locust only has an entry once the endpoint saw a request.
        if (index >= row.endpoints.size() || row.endpoints[index].total_requests == 0) continue;
        const EndpointStats& endpoint = stats.endpoints()[index];
        write_history_row(out, row, endpoint.method(), endpoint.name(), row.endpoints[index], options);
      }
    }
    write_history_row(out, row, "", kAggregateName, row.aggregate, options);
  }
}

void write_locust_failures_csv(std::ostream& out, const RunStats& stats) {
  write_row(out, {"Method", "Name", "Error", "Occurrences"});
  for (const ErrorRecord* error : errors_in_report_order(stats)) {
    write_row(out, {error->method, error->name, error->message, std::to_string(error->occurrences)});
  }
}

void write_locust_exceptions_csv(std::ostream& out, const RunStats& stats) {
  write_row(out, {"Count", "Message", "Traceback", "Nodes"});
  // A single generator process is Locust's "local" node; there is no Python traceback.
  for (const ExceptionRecord& exception : stats.exceptions()) {
    write_row(out, {std::to_string(exception.count), exception.message, "", "local"});
  }
}

void write_locust_csv_files(const std::string& prefix, const RunStats& stats, const LocustCsvOptions& options) {
  write_file(prefix + "_stats.csv", [&](std::ostream& out) { write_locust_stats_csv(out, stats, options); });
  write_file(prefix + "_stats_history.csv",
             [&](std::ostream& out) { write_locust_stats_history_csv(out, stats, options); });
  write_file(prefix + "_failures.csv", [&](std::ostream& out) { write_locust_failures_csv(out, stats); });
  write_file(prefix + "_exceptions.csv", [&](std::ostream& out) { write_locust_exceptions_csv(out, stats); });
}

}  // namespace ragscale::output
