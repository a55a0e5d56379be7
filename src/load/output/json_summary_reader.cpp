#include <algorithm>
#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include <rapidjson/document.h>

#include "common/bounded_json.h"
#include "load/output/json_summary.h"
#include "load/output/json_summary_keys.h"

namespace ragscale::output {
namespace {

// Typed access to the parsed document that reports the file and the JSON path of a bad field.
class Reader {
 public:
  explicit Reader(std::string source) : source_(std::move(source)) {}

  [[noreturn]] void fail(const std::string& path, const std::string& problem) const {
    throw std::runtime_error(source_ + ": field '" + path + "' " + problem +
                             " (expected a summary written by 'ragscale load --json')");
  }
  const rapidjson::Value& member(const rapidjson::Value& object, const std::string& path, const char* key) const {
    if (!object.IsObject()) fail(path, "must be an object");
    auto found = object.FindMember(key);
    if (found == object.MemberEnd()) fail(path + "." + key, "is missing");
    return found->value;
  }
  uint64_t uint(const rapidjson::Value& object, const std::string& path, const char* key) const {
    const rapidjson::Value& value = member(object, path, key);
    if (!value.IsUint64()) fail(path + "." + key, "must be a non-negative integer");
    return value.GetUint64();
  }
  double number(const rapidjson::Value& object, const std::string& path, const char* key) const {
    const rapidjson::Value& value = member(object, path, key);
    if (!value.IsNumber()) fail(path + "." + key, "must be a number");
    return value.GetDouble();
  }
  int integer(const rapidjson::Value& object, const std::string& path, const char* key) const {
    const rapidjson::Value& value = member(object, path, key);
    if (!value.IsInt()) fail(path + "." + key, "must be an integer");
    return value.GetInt();
  }
  std::string string(const rapidjson::Value& object, const std::string& path, const char* key) const {
    const rapidjson::Value& value = member(object, path, key);
    if (!value.IsString()) fail(path + "." + key, "must be a string");
    return {value.GetString(), value.GetStringLength()};
  }
  const rapidjson::Value& array(const rapidjson::Value& object, const std::string& path, const char* key) const {
    const rapidjson::Value& value = member(object, path, key);
    if (!value.IsArray()) fail(path + "." + key, "must be an array");
    return value;
  }

 private:
  std::string source_;
};

std::string at(const std::string& path, rapidjson::SizeType index) { return path + "[" + std::to_string(index) + "]"; }

LatencyHistogram read_latency(const Reader& reader, const rapidjson::Value& latency, const std::string& path) {
  const rapidjson::Value& pairs = reader.array(latency, path, "histogram");
  std::vector<LatencyHistogram::Bucket> buckets;
  buckets.reserve(pairs.Size());
  for (rapidjson::SizeType i = 0; i < pairs.Size(); ++i) {
    const rapidjson::Value& pair = pairs[i];
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsUint64() || !pair[1].IsUint64()) {
      reader.fail(at(path + ".histogram", i), "must be a [value_us, count] pair of non-negative integers");
    }
    buckets.push_back({pair[0].GetUint64(), pair[1].GetUint64()});
  }
  try {
    LatencyHistogram histogram = LatencyHistogram::from_buckets(buckets, reader.uint(latency, path, "min"),
                                                                reader.uint(latency, path, "max"),
                                                                reader.uint(latency, path, "sum"));
    if (histogram.count() != reader.uint(latency, path, "count")) {
      reader.fail(path + ".count", "does not equal the sum of the histogram's counts");
    }
    return histogram;
  } catch (const std::invalid_argument& error) {
    reader.fail(path, std::string("is inconsistent: ") + error.what());
  }
}

LlmFigures read_llm(const Reader& reader, const rapidjson::Value& object, const std::string& path) {
  LlmFigures llm;
  for (auto [key, field] : {std::pair{"streams", &LlmFigures::streams}, {"output_tokens", &LlmFigures::output_tokens},
                            {"slo_judged", &LlmFigures::slo_judged}, {"slo_good", &LlmFigures::slo_good}}) {
    llm.*field = reader.uint(object, path, key);
  }
  if (llm.slo_good > llm.slo_judged) reader.fail(path + ".slo_good", "is larger than slo_judged");
  llm.ttft = read_latency(reader, reader.member(object, path, "ttft_us"), path + ".ttft_us");
  llm.itl = read_latency(reader, reader.member(object, path, "itl_us"), path + ".itl_us");
  llm.tpot = read_latency(reader, reader.member(object, path, "tpot_us"), path + ".tpot_us");
  llm.e2e = read_latency(reader, reader.member(object, path, "e2e_us"), path + ".e2e_us");
  return llm;
}

LlmSecond read_llm_second(const Reader& reader, const rapidjson::Value& object, const std::string& path) {
  LlmSecond second;
  for (size_t i = 0; i < std::size(LlmSecond::kCounts); ++i) {
    second.*LlmSecond::kCounts[i] = reader.uint(object, path, kLlmSecondCountKeys[i]);
  }
  for (size_t i = 0; i < std::size(LlmSecond::kPercentiles); ++i) {
    second.*LlmSecond::kPercentiles[i] = reader.uint(object, path, kLlmSecondPercentileKeys[i]);
  }
  return second;
}

SeriesPoint read_point(const Reader& reader, const rapidjson::Value& object, const std::string& path) {
  SeriesPoint point;
  point.requests = reader.uint(object, path, "requests");
  point.failures = reader.uint(object, path, "failures");
  point.current_rps = reader.number(object, path, "rps");
  point.current_fps = reader.number(object, path, "fps");
  point.window_requests = reader.uint(object, path, "window_requests");
  const rapidjson::Value& percentiles = reader.member(object, path, "window_percentiles_us");
  for (size_t i = 0; i < kReportedPercentiles.size(); ++i) {
    point.window_percentiles_us[i] =
        reader.uint(percentiles, path + ".window_percentiles_us", percentile_key(kReportedPercentiles[i]).c_str());
  }
  point.total_requests = reader.uint(object, path, "total_requests");
  point.total_failures = reader.uint(object, path, "total_failures");
  point.total_bytes = reader.uint(object, path, "total_bytes");
  point.total_min_us = reader.uint(object, path, "total_min_us");
  point.total_max_us = reader.uint(object, path, "total_max_us");
  point.total_median_us = reader.uint(object, path, "total_median_us");
  point.total_mean_us = reader.number(object, path, "total_mean_us");
  return point;
}

std::vector<metrics::ScrapedTarget> read_scraped(const Reader& reader, const rapidjson::Value& targets) {
  std::vector<metrics::ScrapedTarget> out;
  for (rapidjson::SizeType i = 0; i < targets.Size(); ++i) {
    const std::string path = at("$.scrape", i);
    metrics::ScrapedTarget target;
    target.url = reader.string(targets[i], path, "url");
    target.scrapes = reader.uint(targets[i], path, "scrapes");
    target.failures = reader.uint(targets[i], path, "failures");
    target.problems = reader.uint(targets[i], path, "problems");
    target.last_failure = reader.string(targets[i], path, "last_failure");
    const rapidjson::Value& series = reader.member(targets[i], path, "series");
    if (!series.IsObject()) reader.fail(path + ".series", "must be an object of series");
    for (auto member = series.MemberBegin(); member != series.MemberEnd(); ++member) {
      const std::string key(member->name.GetString(), member->name.GetStringLength());
      const std::string series_path = path + ".series[\"" + key + "\"]";
      if (!member->value.IsArray()) reader.fail(series_path, "must be an array of [t, value] pairs");
      auto& points = target.series[key];
      for (const auto& pair : member->value.GetArray()) {
        if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsNumber() || !pair[1].IsNumber()) {
          reader.fail(series_path, "must hold [t, value] pairs of numbers");
        }
        points.push_back({pair[0].GetDouble(), pair[1].GetDouble()});
      }
    }
    out.push_back(std::move(target));
  }
  return out;
}

}  // namespace

RunSummary parse_json_summary(const std::string& json, const std::string& source_name) {
  rapidjson::Document document;
  if (auto parsed = parse_bounded_json(document, json, kMaxJsonDepth, /*full_precision=*/true); !parsed.ok()) {
    throw std::runtime_error(source_name + ": invalid JSON at offset " + std::to_string(parsed.offset) + ": " +
                             parsed.message);
  }
  const Reader reader(source_name);
  if (reader.string(document, "$", "format") != kSummaryFormat) {
    reader.fail("$.format", std::string("must be \"") + kSummaryFormat + "\"");
  }
  if (reader.integer(document, "$", "version") != kSummaryVersion) {
    reader.fail("$.version", "is " + std::to_string(reader.integer(document, "$", "version")) +
                                 "; this ragscale reads version " + std::to_string(kSummaryVersion));
  }

  RunSummary summary;
  const rapidjson::Value& run = reader.member(document, "$", "run");
  summary.info.host = reader.string(run, "$.run", "host");
  const rapidjson::Value& corrected = reader.member(run, "$.run", "coordinated_omission_corrected");
  if (!corrected.IsBool()) reader.fail("$.run.coordinated_omission_corrected", "must be true or false");
  summary.info.coordinated_omission_corrected = corrected.GetBool();
  const rapidjson::Value& settings = reader.array(run, "$.run", "settings");
  for (rapidjson::SizeType i = 0; i < settings.Size(); ++i) {
    const rapidjson::Value& pair = settings[i];
    if (!pair.IsArray() || pair.Size() != 2 || !pair[0].IsString() || !pair[1].IsString()) {
      reader.fail(at("$.run.settings", i), "must be a [key, value] pair of strings");
    }
    summary.info.settings.emplace_back(pair[0].GetString(), pair[1].GetString());
  }
  // Thresholds and the abort reason came later than the rest: absent means none.
  if (run.IsObject() && run.HasMember("thresholds")) {
    const rapidjson::Value& thresholds = reader.array(run, "$.run", "thresholds");
    for (rapidjson::SizeType i = 0; i < thresholds.Size(); ++i) {
      const std::string path = at("$.run.thresholds", i);
      const rapidjson::Value& entry = thresholds[i];
      ThresholdVerdict verdict;
      verdict.expression = reader.string(entry, path, "expression");
      const rapidjson::Value& passed = reader.member(entry, path, "passed");
      const rapidjson::Value& has_data = reader.member(entry, path, "has_data");
      if (!passed.IsBool()) reader.fail(path + ".passed", "must be true or false");
      if (!has_data.IsBool()) reader.fail(path + ".has_data", "must be true or false");
      verdict.passed = passed.GetBool();
      verdict.has_data = has_data.GetBool();
      if (!reader.member(entry, path, "observed").IsNull()) verdict.observed = reader.number(entry, path, "observed");
      summary.info.thresholds.push_back(std::move(verdict));
    }
  }
  if (run.HasMember("abort_reason")) summary.info.abort_reason = reader.string(run, "$.run", "abort_reason");
  RunStats& stats = summary.stats;
  stats.begin(reader.number(run, "$.run", "start_unix_time"));
  stats.finish(reader.number(run, "$.run", "end_unix_time"));
  stats.restore_peak_user_count(reader.integer(run, "$.run", "peak_users"));

  // The aggregate is the sum of the endpoints, so it is rebuilt rather than read.
  const rapidjson::Value& endpoints = reader.array(document, "$", "endpoints");
  for (rapidjson::SizeType i = 0; i < endpoints.Size(); ++i) {
    const std::string path = at("$.endpoints", i);
    const rapidjson::Value& endpoint = endpoints[i];
    const size_t index = stats.restore_endpoint(
        reader.string(endpoint, path, "method"), reader.string(endpoint, path, "name"),
        reader.uint(endpoint, path, "requests"), reader.uint(endpoint, path, "failures"),
        reader.uint(endpoint, path, "rate_limited"), reader.uint(endpoint, path, "bytes"),
        read_latency(reader, reader.member(endpoint, path, "latency_us"), path + ".latency_us"));
    // Streamed-answer figures are present only for endpoints that had them.
    if (endpoint.HasMember("llm")) stats.restore_llm(index, read_llm(reader, endpoint["llm"], path + ".llm"));
    // Summaries written before retries existed have no such key.
    if (endpoint.HasMember("retries")) stats.restore_retries(index, reader.uint(endpoint, path, "retries"));
  }

  const rapidjson::Value& errors = reader.array(document, "$", "errors");
  for (rapidjson::SizeType i = 0; i < errors.Size(); ++i) {
    const std::string path = at("$.errors", i);
    const std::string kind_name = reader.string(errors[i], path, "kind");
    const std::optional<ErrorKind> kind = error_kind_from_string(kind_name);
    if (!kind) reader.fail(path + ".kind", "has unknown error kind \"" + kind_name + "\"");
    stats.restore_error({reader.string(errors[i], path, "method"), reader.string(errors[i], path, "name"), *kind,
                         reader.string(errors[i], path, "message"), reader.uint(errors[i], path, "occurrences")});
  }
  const rapidjson::Value& exceptions = reader.array(document, "$", "exceptions");
  for (rapidjson::SizeType i = 0; i < exceptions.Size(); ++i) {
    const std::string path = at("$.exceptions", i);
    stats.restore_exception(
        {reader.string(exceptions[i], path, "message"), reader.uint(exceptions[i], path, "count")});
  }
  const rapidjson::Value& counters = reader.member(document, "$", "counters");
  stats.restore_counters(reader.uint(counters, "$.counters", "iterations"),
                         reader.uint(counters, "$.counters", "dropped"), reader.uint(counters, "$.counters", "late"));
  // Summaries written before HTTPS support have no TLS counters.
  if (counters.HasMember("tls_handshakes")) {
    stats.restore_tls_counters(reader.uint(counters, "$.counters", "tls_handshakes"),
                               reader.uint(counters, "$.counters", "tls_resumed"));
  }

  const rapidjson::Value& history = reader.array(document, "$", "history");
  for (rapidjson::SizeType i = 0; i < history.Size(); ++i) {
    const std::string path = at("$.history", i);
    HistoryRow row;
    row.unix_time = reader.number(history[i], path, "time");
    row.user_count = reader.integer(history[i], path, "users");
    row.aggregate = read_point(reader, reader.member(history[i], path, "aggregate"), path + ".aggregate");
    if (history[i].HasMember("llm")) row.llm = read_llm_second(reader, history[i]["llm"], path + ".llm");
    row.endpoints.resize(stats.endpoints().size());
    const rapidjson::Value& points = reader.array(history[i], path, "endpoints");
    for (rapidjson::SizeType j = 0; j < points.Size(); ++j) {
      const std::string point_path = at(path + ".endpoints", j);
      const std::string method = reader.string(points[j], point_path, "method");
      const std::string name = reader.string(points[j], point_path, "name");
      const EndpointStats* endpoint = stats.find(method, name);
      if (endpoint == nullptr) reader.fail(point_path, "names endpoint " + method + " " + name + " absent from $.endpoints");
      row.endpoints[size_t(endpoint - stats.endpoints().data())] = read_point(reader, points[j], point_path);
    }
    stats.restore_history_row(row);
  }
  // Summaries of runs without --scrape (and older ones) have no "scrape".
  if (document.HasMember("scrape")) summary.info.scraped = read_scraped(reader, reader.array(document, "$", "scrape"));
  // Only merged runs have parts.
  if (document.HasMember("parts")) {
    const rapidjson::Value& parts = reader.array(document, "$", "parts");
    for (rapidjson::SizeType i = 0; i < parts.Size(); ++i) {
      const std::string path = at("$.parts", i);
      const rapidjson::Value& entry = parts[i];
      RunPart part;
      part.source = reader.string(entry, path, "source");
      part.segment = reader.string(entry, path, "segment");
      part.segment_period = reader.uint(entry, path, "segment_period");
      part.host = reader.string(entry, path, "host");
      part.start_unix_time = reader.number(entry, path, "start_unix_time");
      part.end_unix_time = reader.number(entry, path, "end_unix_time");
      part.late_start_seconds = reader.number(entry, path, "late_start_s");
      part.requests = reader.uint(entry, path, "requests");
      part.failures = reader.uint(entry, path, "failures");
      part.requests_per_second = reader.number(entry, path, "requests_per_s");
      part.p50_us = static_cast<int64_t>(reader.number(entry, path, "p50_us"));
      part.p95_us = static_cast<int64_t>(reader.number(entry, path, "p95_us"));
      part.p99_us = static_cast<int64_t>(reader.number(entry, path, "p99_us"));
      summary.info.parts.push_back(std::move(part));
    }
  }
  return summary;
}

RunSummary read_json_summary(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::runtime_error("cannot read JSON summary '" + path + "': " + std::strerror(errno));
  std::ostringstream contents;
  contents << file.rdbuf();
  return parse_json_summary(contents.str(), path);
}

void merge_summaries(RunSummary& target, const RunSummary& source) {
  if (target.info.host != source.info.host) {
    target.info.host = target.info.host.empty() ? source.info.host : target.info.host + " | " + source.info.host;
  }
  for (const auto& [key, value] : source.info.settings) {
    auto same_key = std::find_if(target.info.settings.begin(), target.info.settings.end(),
                                 [&](const auto& setting) { return setting.first == key; });
    if (same_key == target.info.settings.end()) {
      target.info.settings.emplace_back(key, value);
    } else if (same_key->second != value) {
      same_key->second += " | " + value;
    }
  }
  // Only fully corrected if every part was.
  target.info.coordinated_omission_corrected =
      target.info.coordinated_omission_corrected && source.info.coordinated_omission_corrected;
  // Verdicts were judged per part; keep each part's, once.
  for (const auto& verdict : source.info.thresholds) {
    if (std::find(target.info.thresholds.begin(), target.info.thresholds.end(), verdict) ==
        target.info.thresholds.end()) {
      target.info.thresholds.push_back(verdict);
    }
  }
  if (target.info.abort_reason.empty()) target.info.abort_reason = source.info.abort_reason;
  target.info.parts.insert(target.info.parts.end(), source.info.parts.begin(), source.info.parts.end());
  // Scraped targets: each URL once (several generators scraping one target saw the same).
  for (const auto& scraped : source.info.scraped) {
    const bool known = std::any_of(target.info.scraped.begin(), target.info.scraped.end(),
                                   [&](const auto& held) { return held.url == scraped.url; });
    if (!known) target.info.scraped.push_back(scraped);
  }
  target.stats.merge(source.stats);
}

}  // namespace ragscale::output
