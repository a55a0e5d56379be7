#include <cmath>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include <rapidjson/ostreamwrapper.h>
#include <rapidjson/writer.h>

#include "load/output/json_summary.h"

#include "common/json_fields.h"
#include "load/llm/llm_summary.h"
#include "load/output/json_summary_keys.h"
#include "load/output/report_order.h"

namespace ragscale::output {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::OStreamWrapper>;

void write_percentiles(JsonWriter& json, const std::array<uint64_t, kReportedPercentiles.size()>& values) {
  json.StartObject();
  for (size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    json.Key(percentile_key(kReportedPercentiles[i]).c_str());
    json.Uint64(values[i]);
  }
  json.EndObject();
}

void write_latency(JsonWriter& json, const LatencyHistogram& latency) {
  json.StartObject();
  json.Key("count");
  json.Uint64(latency.count());
  json.Key("min");
  json.Uint64(latency.min());
  json.Key("max");
  json.Uint64(latency.max());
  json.Key("mean");
  json.Double(latency.mean());
  json.Key("sum");
  json.Uint64(latency.sum());
  json.Key("percentiles");
  std::array<uint64_t, kReportedPercentiles.size()> values{};
  latency.percentiles(kReportedPercentiles, values);
  write_percentiles(json, values);
  json.Key("histogram");
  json.StartArray();
  latency.for_each_nonzero([&](uint64_t value, uint64_t count) {
    json.StartArray();
    json.Uint64(value);
    json.Uint64(count);
    json.EndArray();
  });
  json.EndArray();
  json.EndObject();
}

// Streamed answers and SLO verdicts: the histograms (so summaries merge exactly) and the
// derived figures a reader wants without recomputing them.
void write_llm(JsonWriter& json, const RunStats& stats, const EndpointStats& endpoint) {
  const LlmFigures& llm = endpoint.llm();
  const load::llm::LlmRow row = load::llm::llm_row(stats, endpoint);
  json.StartObject();
  for (const auto& [key, value] : {std::pair{"streams", llm.streams}, {"output_tokens", llm.output_tokens},
                                   {"slo_judged", llm.slo_judged}, {"slo_good", llm.slo_good}}) {
    json.Key(key);
    json.Uint64(value);
  }
  for (const auto& [key, value] : {std::pair{"output_tokens_per_s", row.output_tokens_per_s},
                                   {"output_tokens_per_s_per_user", row.output_tokens_per_s_per_user},
                                   {"goodput_per_s", row.goodput_per_s}}) {
    json.Key(key);
    json.Double(value);
  }
  json.Key("slo_attainment");
  if (row.attainment) json.Double(*row.attainment);
  else json.Null();
  json.Key("slo_attainment_ci95");
  json.StartArray();
  json.Double(row.attainment_interval.low);
  json.Double(row.attainment_interval.high);
  json.EndArray();
  json.Key("ttft_us");
  write_latency(json, llm.ttft);
  json.Key("itl_us");
  write_latency(json, llm.itl);
  json.Key("tpot_us");
  write_latency(json, llm.tpot);
  json.Key("e2e_us");
  write_latency(json, llm.e2e);
  json.EndObject();
}

void write_endpoint(JsonWriter& json, const RunStats& stats, const EndpointStats& endpoint) {
  json.StartObject();
  json.Key("method");
  json.String(endpoint.method());
  json.Key("name");
  json.String(endpoint.name());
  json.Key("requests");
  json.Uint64(endpoint.requests());
  json.Key("failures");
  json.Uint64(endpoint.failures());
  json.Key("rate_limited");
  json.Uint64(endpoint.rate_limited());
  json.Key("bytes");
  json.Uint64(endpoint.bytes());
  json.Key("retries");
  json.Uint64(endpoint.retries());
  json.Key("failure_ratio");
  json.Double(endpoint.failure_ratio());
  json.Key("requests_per_s");
  json.Double(stats.requests_per_second(endpoint));
  json.Key("failures_per_s");
  json.Double(stats.failures_per_second(endpoint));
  json.Key("current_rps");
  json.Double(endpoint.current_rps());
  json.Key("current_fps");
  json.Double(endpoint.current_fps());
  json.Key("latency_us");
  write_latency(json, endpoint.latency());
  if (!endpoint.llm().empty()) {
    json.Key("llm");
    write_llm(json, stats, endpoint);
  }
  json.EndObject();
}

void write_point(JsonWriter& json, const SeriesPoint& point) {
  json.Key("requests");
  json.Uint64(point.requests);
  json.Key("failures");
  json.Uint64(point.failures);
  json.Key("rps");
  json.Double(point.current_rps);
  json.Key("fps");
  json.Double(point.current_fps);
  json.Key("window_requests");
  json.Uint64(point.window_requests);
  json.Key("window_percentiles_us");
  write_percentiles(json, point.window_percentiles_us);
  json.Key("total_requests");
  json.Uint64(point.total_requests);
  json.Key("total_failures");
  json.Uint64(point.total_failures);
  json.Key("total_bytes");
  json.Uint64(point.total_bytes);
  json.Key("total_min_us");
  json.Uint64(point.total_min_us);
  json.Key("total_max_us");
  json.Uint64(point.total_max_us);
  json.Key("total_median_us");
  json.Uint64(point.total_median_us);
  json.Key("total_mean_us");
  json.Double(point.total_mean_us);
}

void write_history(JsonWriter& json, const RunStats& stats) {
  const std::vector<size_t> order = endpoints_in_report_order(stats);
  json.StartArray();
  for (const HistoryRow& row : stats.history()) {
    json.StartObject();
    json.Key("time");
    json.Double(row.unix_time);
    json.Key("users");
    json.Int(row.user_count);
    json.Key("aggregate");
    json.StartObject();
    write_point(json, row.aggregate);
    json.EndObject();
    if (!row.llm.empty()) {
      json.Key("llm");
      json.StartObject();
      for (size_t i = 0; i < std::size(LlmSecond::kCounts); ++i) {
        json.Key(kLlmSecondCountKeys[i]);
        json.Uint64(row.llm.*LlmSecond::kCounts[i]);
      }
      for (size_t i = 0; i < std::size(LlmSecond::kPercentiles); ++i) {
        json.Key(kLlmSecondPercentileKeys[i]);
        json.Uint64(row.llm.*LlmSecond::kPercentiles[i]);
      }
      json.EndObject();
    }
    json.Key("endpoints");
    json.StartArray();
    for (size_t index : order) {
      // Endpoints without any request yet carry no information.
      if (index >= row.endpoints.size() || row.endpoints[index].total_requests == 0) continue;
      json.StartObject();
      json.Key("method");
      json.String(stats.endpoints()[index].method());
      json.Key("name");
      json.String(stats.endpoints()[index].name());
      write_point(json, row.endpoints[index]);
      json.EndObject();
    }
    json.EndArray();
    json.EndObject();
  }
  json.EndArray();
}

// "scrape": [{url, scrapes, failures, problems, last_failure, series: {key: [[t, value], ...]}}].
template <typename Writer>
void write_scraped(Writer& json, const std::vector<metrics::ScrapedTarget>& targets) {
  json.StartArray();
  for (const auto& target : targets) {
    json.StartObject();
    json.Key("url");
    json.String(target.url.c_str());
    json.Key("scrapes");
    json.Uint64(target.scrapes);
    json.Key("failures");
    json.Uint64(target.failures);
    json.Key("problems");
    json.Uint64(target.problems);
    json.Key("last_failure");
    json.String(target.last_failure.c_str());
    json.Key("series");
    json.StartObject();
    for (const auto& [key, points] : target.series) {
      json.Key(key.c_str(), static_cast<rapidjson::SizeType>(key.size()));
      json.StartArray();
      for (const auto& point : points) {
        json.StartArray();
        json.Double(point.t);
        json.Double(std::isfinite(point.value) ? point.value : 0.0);
        json.EndArray();
      }
      json.EndArray();
    }
    json.EndObject();
    json.EndObject();
  }
  json.EndArray();
}

}  // namespace

void write_json_summary(std::ostream& out, const RunInfo& info, const RunStats& stats) {
  rapidjson::OStreamWrapper stream(out);
  JsonWriter json(stream);
  json.StartObject();
  json.Key("format");
  json.String(kSummaryFormat);
  json.Key("version");
  json.Int(kSummaryVersion);

  json.Key("run");
  json.StartObject();
  json.Key("host");
  json.String(info.host);
  json.Key("start_unix_time");
  json.Double(stats.start_time());
  json.Key("end_unix_time");
  json.Double(stats.end_time());
  json.Key("duration_s");
  json.Double(stats.duration_seconds());
  json.Key("peak_users");
  json.Int(stats.peak_user_count());
  json.Key("coordinated_omission_corrected");
  json.Bool(info.coordinated_omission_corrected);
  json.Key("settings");
  json.StartArray();  // an array of pairs keeps the display order
  for (const auto& [key, value] : info.settings) {
    json.StartArray();
    json.String(key);
    json.String(value);
    json.EndArray();
  }
  json.EndArray();
  json.Key("thresholds");
  json.StartArray();
  for (const auto& verdict : info.thresholds) {
    json.StartObject();
    json.Key("expression");
    json.String(verdict.expression);
    json.Key("passed");
    json.Bool(verdict.passed);
    json.Key("has_data");
    json.Bool(verdict.has_data);
    json.Key("observed");
    if (verdict.has_data && std::isfinite(verdict.observed)) json.Double(verdict.observed);
    else json.Null();  // nothing to judge: JSON has no NaN
    json.EndObject();
  }
  json.EndArray();
  json.Key("abort_reason");
  json.String(info.abort_reason);
  json.EndObject();

  json.Key("percentiles");
  json.StartArray();
  for (double p : kReportedPercentiles) json.Double(p);
  json.EndArray();

  json.Key("aggregate");
  write_endpoint(json, stats, stats.aggregate());
  json.Key("endpoints");
  json.StartArray();
  for (size_t index : endpoints_in_report_order(stats)) write_endpoint(json, stats, stats.endpoints()[index]);
  json.EndArray();

  json.Key("errors");
  json.StartArray();
  for (const ErrorRecord* error : errors_in_report_order(stats)) {
    json.StartObject();
    json.Key("method");
    json.String(error->method);
    json.Key("name");
    json.String(error->name);
    json.Key("kind");
    json.String(std::string(to_string(error->kind)));
    json.Key("message");
    json.String(error->message);
    json.Key("occurrences");
    json.Uint64(error->occurrences);
    json.EndObject();
  }
  json.EndArray();

  json.Key("exceptions");
  json.StartArray();
  for (const ExceptionRecord& exception : stats.exceptions()) {
    json.StartObject();
    json.Key("message");
    json.String(exception.message);
    json.Key("count");
    json.Uint64(exception.count);
    json.EndObject();
  }
  json.EndArray();

  json.Key("counters");
  json.StartObject();
  json.Key("iterations");
  json.Uint64(stats.iterations());
  json.Key("dropped");
  json.Uint64(stats.dropped());
  json.Key("late");
  json.Uint64(stats.late());
  json.Key("tls_handshakes");
  json.Uint64(stats.tls_handshakes());
  json.Key("tls_resumed");
  json.Uint64(stats.tls_resumed());
  json.EndObject();

  json.Key("history");
  write_history(json, stats);
  if (!info.scraped.empty()) {
    json.Key("scrape");
    write_scraped(json, info.scraped);
  }
  if (!info.parts.empty()) {
    json.Key("parts");
    json.StartArray();
    for (const RunPart& part : info.parts) {
      json.StartObject();
      put_field(json, "source", part.source);
      put_field(json, "segment", part.segment);
      put_field(json, "segment_period", part.segment_period);
      put_field(json, "host", part.host);
      put_field(json, "start_unix_time", part.start_unix_time);
      put_field(json, "end_unix_time", part.end_unix_time);
      put_field(json, "late_start_s", part.late_start_seconds);
      put_field(json, "requests", part.requests);
      put_field(json, "failures", part.failures);
      put_field(json, "requests_per_s", part.requests_per_second);
      put_field(json, "p50_us", part.p50_us);
      put_field(json, "p95_us", part.p95_us);
      put_field(json, "p99_us", part.p99_us);
      json.EndObject();
    }
    json.EndArray();
  }
  json.EndObject();
  out << '\n';
}

void write_json_summary_file(const std::string& path, const RunInfo& info, const RunStats& stats) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) {
    throw std::runtime_error("cannot write JSON summary '" + path + "': " + std::strerror(errno) +
                             " (check that --json points into an existing, writable directory)");
  }
  write_json_summary(file, info, stats);
  file.flush();
  if (!file) throw std::runtime_error("error while writing JSON summary '" + path + "': " + std::strerror(errno));
}

}  // namespace ragscale::output
