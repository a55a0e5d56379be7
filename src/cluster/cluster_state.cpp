#include "cluster/cluster_state.h"

#include <rapidjson/document.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "common/bounded_json.h"
#include "common/json_fields.h"

namespace ragscale::cluster {

namespace {

using Writer = rapidjson::PrettyWriter<rapidjson::StringBuffer>;

void put_strings(Writer& json, const char* key, const std::vector<std::string>& values) {
  json.Key(key);
  json.StartArray();
  for (const auto& value : values) json.String(value.c_str(), static_cast<unsigned>(value.size()));
  json.EndArray();
}

std::string text_of(const rapidjson::Value& object, const char* key) {
  auto member = object.FindMember(key);
  return member != object.MemberEnd() && member->value.IsString() ? member->value.GetString() : "";
}

int64_t integer_of(const rapidjson::Value& object, const char* key) {
  auto member = object.FindMember(key);
  return member != object.MemberEnd() && member->value.IsInt64() ? member->value.GetInt64() : 0;
}

std::vector<std::string> strings_of(const rapidjson::Value& object, const char* key) {
  std::vector<std::string> values;
  auto member = object.FindMember(key);
  if (member == object.MemberEnd() || !member->value.IsArray()) return values;
  for (const auto& value : member->value.GetArray()) {
    if (value.IsString()) values.emplace_back(value.GetString());
  }
  return values;
}

std::string read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return {};
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

}  // namespace

std::string state_path(const std::string& dir) { return dir + "/cluster.json"; }
std::string scale_request_path(const std::string& dir) { return dir + "/scale-request.json"; }

std::string state_to_json(const ClusterState& state) {
  rapidjson::StringBuffer buffer;
  Writer json(buffer);
  const ClusterSpec& spec = state.spec;
  json.StartObject();
  put_field(json, "dir", spec.dir);
  put_field(json, "phase", state.phase);
  put_field(json, "message", state.message);
  put_field(json, "started_at", state.started_at);
  put_field(json, "balancer_url", spec.balancer_url());
  put_field(json, "stats_url", spec.stats_url());
  put_field(json, "prometheus_url", spec.prometheus_url());
  put_field(json, "store_url", spec.store_url());
  put_field(json, "cache_url", spec.cache_url());
  put_field(json, "model_url", spec.model_url());
  put_field(json, "desired_replicas", state.desired_replicas);
  put_field(json, "applied_request", state.applied_request);
  json.Key("keeper");
  json.StartObject();
  put_field(json, "pid", static_cast<int64_t>(state.keeper_pid));
  put_field(json, "log", spec.path("logs/keeper.log"));
  json.EndObject();
  json.Key("spec");
  json.StartObject();
  put_field(json, "replicas", spec.replicas);
  put_field(json, "max_replicas", spec.max_replicas);
  put_field(json, "port", spec.port);
  put_field(json, "llm_url", spec.llm_url);
  put_field(json, "sim", spec.sim);
  put_field(json, "redis_memory", spec.redis_memory);
  put_strings(json, "serve_args", spec.serve_args);
  put_strings(json, "sim_args", spec.sim_args);
  json.EndObject();
  json.Key("processes");
  json.StartArray();
  for (const auto& process : state.processes) {
    json.StartObject();
    put_field(json, "role", process.role);
    put_field(json, "name", process.name);
    if (process.slot > 0) put_field(json, "slot", process.slot);
    put_field(json, "port", process.port);
    put_field(json, "pid", static_cast<int64_t>(process.pid));
    put_field(json, "url", process.url);
    put_field(json, "log", process.log);
    put_field(json, "state", process.state);
    put_field(json, "restarts", process.restarts);
    json.EndObject();
  }
  json.EndArray();
  json.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

std::optional<ClusterState> state_from_json(const std::string& text, std::string& error) {
  rapidjson::Document document;
  auto parsed = parse_bounded_json(document, text);
  if (!parsed.ok()) {
    error = "not JSON: " + parsed.message;
    return std::nullopt;
  }
  if (!document.IsObject() || !document.HasMember("spec") || !document["spec"].IsObject() ||
      !document.HasMember("processes") || !document["processes"].IsArray()) {
    error = "not a cluster record (no spec or processes)";
    return std::nullopt;
  }
  ClusterState state;
  const auto& spec = document["spec"];
  state.spec.dir = text_of(document, "dir");
  state.spec.replicas = static_cast<int>(integer_of(spec, "replicas"));
  state.spec.max_replicas = static_cast<int>(integer_of(spec, "max_replicas"));
  state.spec.port = static_cast<int>(integer_of(spec, "port"));
  state.spec.llm_url = text_of(spec, "llm_url");
  state.spec.sim = spec.HasMember("sim") && spec["sim"].IsBool() && spec["sim"].GetBool();
  state.spec.redis_memory = text_of(spec, "redis_memory");
  state.spec.serve_args = strings_of(spec, "serve_args");
  state.spec.sim_args = strings_of(spec, "sim_args");
  state.phase = text_of(document, "phase");
  state.message = text_of(document, "message");
  state.started_at = text_of(document, "started_at");
  state.desired_replicas = static_cast<int>(integer_of(document, "desired_replicas"));
  state.applied_request = static_cast<uint64_t>(integer_of(document, "applied_request"));
  if (document.HasMember("keeper") && document["keeper"].IsObject()) {
    state.keeper_pid = static_cast<pid_t>(integer_of(document["keeper"], "pid"));
  }
  for (const auto& item : document["processes"].GetArray()) {
    if (!item.IsObject()) continue;
    ClusterProcess process;
    process.role = text_of(item, "role");
    process.name = text_of(item, "name");
    process.slot = static_cast<int>(integer_of(item, "slot"));
    process.port = static_cast<int>(integer_of(item, "port"));
    process.pid = static_cast<pid_t>(integer_of(item, "pid"));
    process.url = text_of(item, "url");
    process.log = text_of(item, "log");
    process.state = text_of(item, "state");
    process.restarts = static_cast<int>(integer_of(item, "restarts"));
    state.processes.push_back(std::move(process));
  }
  return state;
}

void write_file_atomically(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp" + std::to_string(::getpid());
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    out << text;
    out.flush();
    if (!out) throw std::runtime_error("cannot write " + temporary + ": " + std::strerror(errno));
  }
  if (std::rename(temporary.c_str(), path.c_str()) != 0) {
    throw std::runtime_error("cannot replace " + path + ": " + std::strerror(errno));
  }
}

void write_state(const ClusterState& state) { write_file_atomically(state_path(state.spec.dir), state_to_json(state)); }

std::optional<ClusterState> read_state(const std::string& dir, std::string& error) {
  const std::string path = state_path(dir);
  if (::access(path.c_str(), F_OK) != 0) {
    error = "no cluster in " + dir + " (no " + path + "); start one with ragscale cluster up --dir " + dir;
    return std::nullopt;
  }
  std::string text = read_file(path);
  std::string why;
  auto state = state_from_json(text, why);
  if (!state) error = path + ": " + why;
  return state;
}

void write_scale_request(const std::string& dir, const ScaleRequest& request) {
  write_file_atomically(scale_request_path(dir), "{\"replicas\": " + std::to_string(request.replicas) +
                                                     ", \"id\": " + std::to_string(request.id) + "}\n");
}

std::optional<ScaleRequest> read_scale_request(const std::string& dir) {
  rapidjson::Document document;
  std::string text = read_file(scale_request_path(dir));
  if (text.empty() || !parse_bounded_json(document, text).ok() || !document.IsObject()) return std::nullopt;
  ScaleRequest request;
  request.replicas = static_cast<int>(integer_of(document, "replicas"));
  request.id = static_cast<uint64_t>(integer_of(document, "id"));
  return request;
}

}  // namespace ragscale::cluster
