#include "sim/fault_settings.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cmath>
#include <cstdlib>
#include <stdexcept>

#include "common/bounded_json.h"
#include "common/duration.h"

namespace ragscale::sim {

namespace {

[[noreturn]] void reject(std::string_view what, const std::string& why) {
  throw std::invalid_argument(std::string(what) + ": " + why);
}

double parse_number(std::string_view what, std::string_view text) {
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(value)) {
    reject(what, "'" + copy + "' is not a number");
  }
  return value;
}

std::chrono::microseconds parse_duration_for(std::string_view what, std::string_view text) {
  std::string error;
  auto duration = try_parse_duration(text, &error);
  if (!duration) reject(what, error);
  return *duration;
}

double rate_from_json(const char* key, const rapidjson::Value& value) {
  if (!value.IsNumber() || value.GetDouble() < 0 || value.GetDouble() > 1) {
    reject(key, "must be a number between 0 and 1, e.g. 0.05");
  }
  return value.GetDouble();
}

int status_from_json(const char* key, const rapidjson::Value& value) {
  if (!value.IsInt()) reject(key, "must be an HTTP status between 400 and 599");
  return parse_error_status(key, std::to_string(value.GetInt()));
}

// Durations in JSON: "1.5s" style strings, or numbers of seconds.
std::chrono::microseconds duration_from_json(const std::string& key, const rapidjson::Value& value) {
  if (value.IsString()) return parse_duration_for(key, value.GetString());
  if (value.IsNumber() && value.GetDouble() >= 0 && value.GetDouble() < 1e9) {
    return std::chrono::microseconds(static_cast<int64_t>(std::llround(value.GetDouble() * 1e6)));
  }
  reject(key, "must be a duration such as \"10s\" or a number of seconds");
}

}  // namespace

double parse_rate(std::string_view what, std::string_view text) {
  double rate = parse_number(what, text);
  if (rate < 0 || rate > 1) reject(what, "a rate is a probability between 0 and 1, e.g. 0.05; got " + std::string(text));
  return rate;
}

int parse_error_status(std::string_view what, std::string_view text) {
  double status = parse_number(what, text);
  if (status < 400 || status > 599 || status != std::floor(status)) {
    reject(what, "must be an HTTP error status between 400 and 599 (e.g. 500 or 503); got " + std::string(text));
  }
  return static_cast<int>(status);
}

OutageWindow parse_outage(std::string_view what, std::string_view text) {
  size_t plus = text.find('+');
  if (plus == std::string_view::npos) {
    reject(what, "'" + std::string(text) + "' is not an outage window; write START+DURATION, e.g. 30s+10s");
  }
  OutageWindow window;
  window.start = parse_duration_for(what, text.substr(0, plus));
  window.duration = parse_duration_for(what, text.substr(plus + 1));
  return window;
}

FaultSettings parse_fault_settings_json(std::string_view json) {
  rapidjson::Document document;
  auto parsed = parse_bounded_json(document, json.empty() ? std::string_view("{}") : json);
  if (!parsed.ok()) {
    throw std::invalid_argument(std::string(parsed.too_deep ? "the body is refused (" : "the body is not valid JSON (") +
                                parsed.message + " at offset " + std::to_string(parsed.offset) + ")");
  }
  if (!document.IsObject()) throw std::invalid_argument("the body must be a JSON object, e.g. {\"error_rate\": 0.5}");
  FaultSettings settings;
  for (auto& member : document.GetObject()) {
    std::string key = member.name.GetString();
    const auto& value = member.value;
    if (key == "error_rate") settings.error_rate = rate_from_json("error_rate", value);
    else if (key == "error_status") settings.error_status = status_from_json("error_status", value);
    else if (key == "timeout_rate") settings.timeout_rate = rate_from_json("timeout_rate", value);
    else if (key == "reset_rate") settings.reset_rate = rate_from_json("reset_rate", value);
    else if (key == "slow_rate") settings.slow_rate = rate_from_json("slow_rate", value);
    else if (key == "outage_status") settings.outage_status = status_from_json("outage_status", value);
    else if (key == "slow_delay") {
      if (!value.IsString()) reject(key, "must be a distribution string such as \"uniform(5s, 10s)\"");
      try {
        settings.slow_delay = parse_distribution(value.GetString(), DistributionUnit::kDuration);
      } catch (const std::invalid_argument& e) {
        reject(key, e.what());
      }
    } else if (key == "outages") {
      if (!value.IsArray()) reject(key, "must be an array of {\"start\": \"0s\", \"duration\": \"10s\"}");
      for (const auto& item : value.GetArray()) {
        if (item.IsString()) {
          settings.outages.push_back(parse_outage(key, item.GetString()));
          continue;
        }
        if (!item.IsObject() || !item.HasMember("duration")) {
          reject(key, "each outage is {\"start\": \"0s\", \"duration\": \"10s\"} or \"START+DURATION\"");
        }
        OutageWindow window;
        if (item.HasMember("start")) window.start = duration_from_json("outages.start", item["start"]);
        window.duration = duration_from_json("outages.duration", item["duration"]);
        settings.outages.push_back(window);
      }
    } else {
      reject(key, "unknown fault; the faults are error_rate, error_status, timeout_rate, reset_rate, slow_rate, "
                  "slow_delay, outages, outage_status");
    }
  }
  return settings;
}

std::string fault_settings_json(const FaultSettings& settings) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.StartObject();
  writer.Key("error_rate");
  writer.Double(settings.error_rate);
  writer.Key("error_status");
  writer.Int(settings.error_status);
  writer.Key("timeout_rate");
  writer.Double(settings.timeout_rate);
  writer.Key("reset_rate");
  writer.Double(settings.reset_rate);
  writer.Key("slow_rate");
  writer.Double(settings.slow_rate);
  writer.Key("slow_delay");
  writer.String(format_distribution(settings.slow_delay, DistributionUnit::kDuration));
  writer.Key("outages");
  writer.StartArray();
  for (const auto& window : settings.outages) {
    writer.StartObject();
    writer.Key("start");
    writer.String(format_duration(window.start));
    writer.Key("duration");
    writer.String(format_duration(window.duration));
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("outage_status");
  writer.Int(settings.outage_status);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace ragscale::sim
