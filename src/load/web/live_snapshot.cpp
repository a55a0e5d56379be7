#include "load/web/live_snapshot.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <array>
#include <cmath>
#include <vector>

#include "load/output/report_order.h"

namespace ragscale::load {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_ms_or_null(JsonWriter& json, const char* key, bool has_data, uint64_t microseconds) {
  json.Key(key);
  if (has_data) json.Double(double(microseconds) / 1000.0);
  else json.Null();
}

std::string point_json(const HistoryRow& row, double start_time) {
  rapidjson::StringBuffer buffer;
  JsonWriter json(buffer);
  const SeriesPoint& point = row.aggregate;
  const bool window = point.window_requests != 0;
  json.StartObject();
  json.Key("t");
  json.Double(std::round((row.unix_time - start_time) * 10) / 10);
  json.Key("users");
  json.Int(row.user_count);
  json.Key("rps");
  json.Uint64(point.requests);
  json.Key("fps");
  json.Uint64(point.failures);
  write_ms_or_null(json, "p50_ms", window, point.window_percentile_us(50));
  write_ms_or_null(json, "p95_ms", window, point.window_percentile_us(95));
  write_ms_or_null(json, "p99_ms", window, point.window_percentile_us(99));
  // Streamed answers that ended in this second; absent in seconds (and runs) without any.
  const LlmSecond& llm = row.llm;
  if (llm.streams != 0) {
    write_ms_or_null(json, "ttft_p50_ms", true, llm.ttft_p50_us);
    write_ms_or_null(json, "ttft_p95_ms", true, llm.ttft_p95_us);
    write_ms_or_null(json, "itl_p50_ms", true, llm.itl_p50_us);
    write_ms_or_null(json, "itl_p99_ms", true, llm.itl_p99_us);
    json.Key("tokens_per_s");
    json.Uint64(llm.output_tokens);
  }
  json.EndObject();
  return buffer.GetString();
}

void write_table_row(JsonWriter& json, const EndpointStats& endpoint, bool aggregate) {
  const LatencyHistogram& latency = endpoint.latency();
  constexpr std::array<double, 3> kPercentiles = {50, 95, 99};
  std::array<uint64_t, 3> values{};
  latency.percentiles(kPercentiles, values);
  json.StartObject();
  json.Key("method");
  json.String(endpoint.method().c_str());
  json.Key("name");
  json.String(endpoint.name().c_str());
  if (aggregate) {
    json.Key("aggregate");
    json.Bool(true);
  }
  json.Key("requests");
  json.Uint64(endpoint.requests());
  json.Key("failures");
  json.Uint64(endpoint.failures());
  json.Key("median_us");
  json.Uint64(values[0]);
  json.Key("p95_us");
  json.Uint64(values[1]);
  json.Key("p99_us");
  json.Uint64(values[2]);
  json.Key("avg_us");
  json.Double(latency.mean());
  json.Key("rps");
  json.Double(endpoint.current_rps());
  json.Key("fps");
  json.Double(endpoint.current_fps());
  json.Key("retries");
  json.Uint64(endpoint.retries());
  json.EndObject();
}

std::string table_json(const RunStats& stats) {
  rapidjson::StringBuffer buffer;
  JsonWriter json(buffer);
  json.StartArray();
  for (size_t index : output::endpoints_in_report_order(stats)) write_table_row(json, stats.endpoints()[index], false);
  write_table_row(json, stats.aggregate(), true);
  json.EndArray();
  return buffer.GetString();
}

}  // namespace

LiveSnapshot::LiveSnapshot(std::string host, std::string shape, std::optional<double> planned_seconds)
    : host_(std::move(host)), shape_(std::move(shape)), planned_seconds_(planned_seconds) {}

void LiveSnapshot::update(const RunStats& stats, uint64_t users, double elapsed_seconds) {
  std::vector<std::string> points;
  const std::vector<HistoryRow>& history = stats.history();
  for (; rows_seen_ < history.size(); ++rows_seen_) points.push_back(point_json(history[rows_seen_], stats.start_time()));
  std::string table = table_json(stats);

  std::lock_guard lock(mutex_);
  users_ = users;
  elapsed_seconds_ = elapsed_seconds;
  table_.swap(table);
  for (std::string& point : points) {
    points_.push_back(std::move(point));
    if (points_.size() > kMaxPoints) {
      points_.pop_front();
      ++first_;
    }
  }
}

void LiveSnapshot::set_state(std::string_view state) {
  std::lock_guard lock(mutex_);
  state_ = state;
}

std::string LiveSnapshot::json_since(uint64_t cursor) const {
  rapidjson::StringBuffer head;
  JsonWriter json(head);
  std::lock_guard lock(mutex_);
  const uint64_t next = first_ + points_.size();
  const uint64_t from = std::min(std::max(cursor, first_), next);
  const uint64_t to = std::min<uint64_t>(next, from + kMaxPointsPerAnswer);
  json.StartObject();
  json.Key("state");
  json.String(state_.c_str());
  json.Key("host");
  json.String(host_.c_str());
  json.Key("shape");
  json.String(shape_.c_str());
  json.Key("elapsed_s");
  json.Double(elapsed_seconds_);
  json.Key("planned_s");
  if (planned_seconds_) json.Double(*planned_seconds_);
  else json.Null();
  json.Key("users");
  json.Uint64(users_);
  json.Key("first");
  json.Uint64(first_);
  json.Key("next");
  json.Uint64(to);
  // The series and the table are JSON already: spliced in rather than parsed again.
  std::string answer(head.GetString(), head.GetSize());
  answer += ",\"series\":[";
  for (uint64_t i = from; i < to; ++i) {
    if (i != from) answer += ',';
    answer += points_[i - first_];
  }
  answer += "],\"table\":";
  answer += table_;
  answer += '}';
  return answer;
}

}  // namespace ragscale::load
