// Builds a Scenario from YAML; the schema is summarized in scenario.h.
#include <yaml-cpp/yaml.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "common/duration.h"
#include "load/scenario/request_body.h"
#include "load/scenario/response_body.h"
#include "load/scenario/scenario.h"
#include "load/scenario/yaml_reader.h"

namespace ragscale::scenario {
namespace {

using Node = YAML::Node;

const std::vector<std::string_view> kStepKeys = {
    "method", "path", "name", "headers", "json", "form", "multipart", "body", "content_type", "query",
    "check", "rate_limited", "rate_limited_is_failure", "extract", "poll", "retry", "timeout", "stream",
    "whole_answer"};

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) != std::tolower(static_cast<unsigned char>(b[i]))) return false;
  }
  return true;
}

bool is_token(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (c <= 32 || c >= 127 || std::string_view("()<>@,;:\\\"/[]?={}").find(c) != std::string_view::npos) return false;
  }
  return true;
}

bool is_var_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-') return false;
  }
  return true;
}

// Settings a user class inherits from the file's top level.
struct Inherited {
  std::vector<HeaderSpec> headers;
  std::chrono::microseconds timeout{30'000'000};
};

class Parser {
 public:
  Parser(std::string file, std::string base_dir, const ScenarioLoadOptions& options)
      : reader_(std::move(file)), base_dir_(std::move(base_dir)) {
    context_.find_source = [this](std::string_view name) -> std::shared_ptr<const DataSource> {
      for (const auto& source : scenario_.data) {
        if (source->name() == name) return source;
      }
      return nullptr;
    };
    context_.getenv = options.getenv ? options.getenv : [](std::string_view name) -> std::optional<std::string> {
      const char* value = std::getenv(std::string(name).c_str());
      if (!value) return std::nullopt;
      return std::string(value);
    };
  }

  Scenario parse(const Node& root) {
    scenario_.source_file = reader_.file();
    if (root.IsNull()) reader_.fail(root, "the scenario is empty; it needs at least users: with one task");
    reader_.check_keys(root, "the scenario", {"host", "defaults", "data", "users", "load", "thresholds", "description"});
    if (root["host"]) scenario_.host = target(root["host"]);
    if (root["data"]) parse_data(root["data"]);
    Inherited inherited;
    if (root["defaults"]) parse_defaults(root["defaults"], inherited);
    if (!root["users"]) reader_.fail(root, "missing users:; add a list of user classes, e.g. users: [{name: User, tasks: [{path: /}]}]");
    parse_users(root["users"], inherited);
    if (root["load"]) parse_load(root["load"]);
    if (root["thresholds"]) parse_thresholds(root["thresholds"]);
    return std::move(scenario_);
  }

 private:
  TargetUrl target(const Node& node) {
    try {
      // {{ env.NAME|default }} is resolved now, so one file can aim at any deployment.
      Template text = compile_text(reader_, node, "host", Escape::kNone, context_);
      if (!text.is_static()) reader_.fail(node, "host may use only {{ env.NAME }} or {{ env.NAME|default }} templates");
      TargetUrl url = parse_target_url(text.static_text());
      if (url.base_path.find('?') != std::string::npos) reader_.fail(node, "host must not carry a query; put it in the steps' query:");
      return url;
    } catch (const std::invalid_argument& e) {
      reader_.fail(node, e.what());
    }
  }

  void parse_defaults(const Node& node, Inherited& inherited) {
    reader_.check_keys(node, "defaults", {"headers", "timeout"});
    if (node["headers"]) merge_headers(inherited.headers, node["headers"]);
    if (node["timeout"]) inherited.timeout = positive_duration(node["timeout"], "timeout");
  }

  std::chrono::microseconds positive_duration(const Node& node, std::string_view what) {
    auto value = reader_.duration(node, what);
    if (value.count() <= 0) reader_.fail(node, std::string(what) + " must be above 0, e.g. 30s");
    return value;
  }

  void merge_headers(std::vector<HeaderSpec>& headers, const Node& node) {
    reader_.expect_map(node, "headers");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string name = reader_.text(it->first, "a header name");
      if (!is_token(name)) reader_.fail(it->first, "'" + name + "' is not a valid header name; use letters, digits and '-'");
      Template value = compile_text(reader_, it->second, "header " + name, Escape::kHeader, context_);
      bool replaced = false;
      for (auto& header : headers) {
        if (iequals(header.name, name)) {
          header = HeaderSpec{name, std::move(value)};
          replaced = true;
          break;
        }
      }
      if (!replaced) headers.push_back(HeaderSpec{name, std::move(value)});
    }
  }

  // ---- data ----

  void parse_data(const Node& node) {
    reader_.expect_map(node, "data");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string name = reader_.text(it->first, "a data source name");
      if (!is_var_name(name)) reader_.fail(it->first, "data source name '" + name + "' may hold only letters, digits, '_' and '-'");
      if (context_.find_source(name)) reader_.fail(it->first, "data source '" + name + "' is defined twice; rename one");
      auto source = std::make_shared<DataSource>(data_source(name, it->second));
      source->slot = scenario_.data.size();
      scenario_.data.push_back(std::move(source));
    }
  }

  DataSource data_source(const std::string& name, const Node& node) {
    std::string what = "data source '" + name + "'";
    if (node.IsSequence()) return inline_values(name, node);
    reader_.check_keys(node, what, {"file", "values"});
    if (node["file"] && node["values"]) reader_.fail(node, what + " has both file and values; keep one");
    if (node["values"]) return inline_values(name, node["values"]);
    if (!node["file"]) reader_.fail(node, what + " needs file: PATH or values: [..]");
    std::string path = reader_.text(node["file"], "file");
    std::filesystem::path resolved(path);
    if (resolved.is_relative() && !base_dir_.empty()) resolved = std::filesystem::path(base_dir_) / resolved;
    try {
      return load_data_file(name, resolved.string());
    } catch (const DataSourceError& e) {
      reader_.fail(node["file"], what + ": " + e.what());
    }
  }

  DataSource inline_values(const std::string& name, const Node& node) {
    std::string what = "values of data source '" + name + "'";
    reader_.expect_sequence(node, what);
    if (node.size() == 0) reader_.fail(node, what + " is empty; add at least one item");
    if (!node[0].IsMap()) {
      std::vector<std::string> cells;
      for (const auto& item : node) cells.push_back(reader_.text(item, what));
      return DataSource(name, {}, std::move(cells));
    }
    // A list of mappings is a table: the keys of the first row name the columns.
    std::vector<std::string> columns;
    for (auto it = node[0].begin(); it != node[0].end(); ++it) columns.push_back(reader_.text(it->first, "a column name"));
    std::vector<std::string> cells;
    for (const auto& row : node) {
      reader_.expect_map(row, what);
      if (row.size() != columns.size()) reader_.fail(row, "every row of " + what + " needs the same keys as the first row");
      for (const auto& column : columns) {
        if (!row[column]) reader_.fail(row, "this row of " + what + " lacks '" + column + "' that the first row has");
        cells.push_back(reader_.text(row[column], column));
      }
    }
    return DataSource(name, std::move(columns), std::move(cells));
  }

  // ---- users ----

  void parse_users(const Node& node, const Inherited& inherited) {
    reader_.expect_sequence(node, "users");
    if (node.size() == 0) reader_.fail(node, "users is empty; add at least one user class");
    std::vector<uint32_t> weights;
    for (const auto& item : node) {
      scenario_.users.push_back(user_class(item, inherited));
      const UserClass& user = scenario_.users.back();
      for (size_t i = 0; i + 1 < scenario_.users.size(); ++i) {
        if (scenario_.users[i].name == user.name) reader_.fail(item["name"], "user class '" + user.name + "' is defined twice; rename one");
      }
      weights.push_back(user.fixed_count > 0 ? 0 : user.weight);
    }
    bool any_weighted = false;
    for (uint32_t weight : weights) any_weighted |= weight > 0;
    if (any_weighted) scenario_.user_picker.emplace(weights);
  }

  UserClass user_class(const Node& node, Inherited inherited) {
    reader_.check_keys(node, "a user class", {"name", "weight", "fixed_count", "host", "headers", "wait", "on_start", "tasks"});
    UserClass user;
    user.name = node["name"] ? reader_.text(node["name"], "name") : "User" + std::to_string(scenario_.users.size() + 1);
    std::string what = "user class '" + user.name + "'";
    if (node["weight"] && node["fixed_count"]) reader_.fail(node["fixed_count"], what + " has both weight and fixed_count; keep one");
    if (node["weight"]) user.weight = static_cast<uint32_t>(reader_.integer(node["weight"], "weight", 0, 1'000'000));
    if (node["fixed_count"]) user.fixed_count = static_cast<uint32_t>(reader_.integer(node["fixed_count"], "fixed_count", 1, 10'000'000));
    user.target = node["host"] ? std::optional<TargetUrl>(target(node["host"])) : scenario_.host;
    if (node["headers"]) merge_headers(inherited.headers, node["headers"]);
    if (node["wait"]) user.wait = wait(node["wait"]);
    if (node["on_start"]) {
      reader_.expect_sequence(node["on_start"], "on_start");
      for (const auto& step : node["on_start"]) {
        reader_.check_keys(step, "an on_start step", kStepKeys);
        user.on_start.push_back(request(step, user, inherited));
      }
    }
    if (!node["tasks"]) reader_.fail(node, what + " has no tasks:; add at least one, e.g. tasks: [{path: /}]");
    reader_.expect_sequence(node["tasks"], "tasks");
    std::vector<uint32_t> weights;
    for (const auto& item : node["tasks"]) {
      user.tasks.push_back(task(item, user, inherited));
      weights.push_back(user.tasks.back().weight);
    }
    if (user.tasks.empty()) reader_.fail(node["tasks"], what + " has an empty task list; add at least one task");
    bool any_weighted = false;
    for (uint32_t weight : weights) any_weighted |= weight > 0;
    if (!any_weighted) reader_.fail(node["tasks"], "every task of " + what + " has weight 0; give one a weight above 0");
    user.task_picker = WeightedPicker(weights);
    check_vars_are_extracted(node, user);
    return user;
  }

  // A vars.NAME that no step of the class extracts could never be set: a typo.
  void check_vars_are_extracted(const Node& node, const UserClass& user) {
    std::vector<std::string> extracted;
    auto collect = [&](const RequestSpec& step) {
      for (const auto& extract : step.extract) extracted.push_back(extract.var);
    };
    for (const auto& step : user.on_start) collect(step);
    for (const auto& task : user.tasks) for (const auto& step : task.steps) collect(step);
    auto verify = [&](const RequestSpec& step, const Node& step_node) {
      for (const auto& name : step.required_vars) {
        if (std::find(extracted.begin(), extracted.end(), name) == extracted.end()) {
          reader_.fail(step_node, "vars." + name + " is never extracted by user class '" + user.name +
                                      "'; set it in an earlier step (extract: {" + name + ": /json/pointer}) or fix the name");
        }
      }
    };
    for (size_t i = 0; i < user.on_start.size(); ++i) verify(user.on_start[i], node["on_start"][i]);
    for (size_t t = 0; t < user.tasks.size(); ++t) {
      const Node& task_node = node["tasks"][t];
      for (size_t s = 0; s < user.tasks[t].steps.size(); ++s) {
        verify(user.tasks[t].steps[s], task_node["requests"] ? task_node["requests"][s] : task_node);
      }
    }
  }

  WaitSpec wait(const Node& node) {
    if (node.IsScalar()) {
      try {
        return parse_wait_range(node.Scalar());
      } catch (const std::invalid_argument& e) {
        reader_.fail(node, std::string("wait: ") + e.what() + " (forms: 1s..3s, {constant: 1s}, {between: [1s, 3s]}, {pacing: 2s})");
      }
    }
    reader_.check_keys(node, "wait", {"constant", "between", "pacing"});
    if (node.size() != 1) reader_.fail(node, "wait takes exactly one of constant, between, pacing");
    WaitSpec spec;
    if (node["constant"]) {
      spec.kind = WaitSpec::Kind::kConstant;
      spec.min = spec.max = reader_.duration(node["constant"], "constant");
    } else if (node["pacing"]) {
      spec.kind = WaitSpec::Kind::kPacing;
      spec.min = spec.max = positive_duration(node["pacing"], "pacing");
    } else {
      const Node& range = node["between"];
      if (!range.IsSequence() || range.size() != 2) reader_.fail(range, "between takes two durations: [MIN, MAX], e.g. [1s, 3s]");
      spec.kind = WaitSpec::Kind::kBetween;
      spec.min = reader_.duration(range[0], "between minimum");
      spec.max = reader_.duration(range[1], "between maximum");
      if (spec.min > spec.max) reader_.fail(range, "between [MIN, MAX] has MIN above MAX; swap them");
    }
    return spec;
  }

  Task task(const Node& node, const UserClass& user, const Inherited& inherited) {
    Task result;
    if (node.IsMap() && node["requests"]) {
      reader_.check_keys(node, "a task", {"name", "weight", "requests"});
      reader_.expect_sequence(node["requests"], "requests");
      for (const auto& step : node["requests"]) {
        reader_.check_keys(step, "a request step", kStepKeys);
        result.steps.push_back(request(step, user, inherited));
      }
      if (result.steps.empty()) reader_.fail(node["requests"], "requests is empty; add at least one step");
      result.name = node["name"] ? reader_.text(node["name"], "name") : result.steps.front().stats_name;
    } else {
      // A task that is a single step: its keys are the step's plus weight.
      std::vector<std::string_view> allowed(kStepKeys);
      allowed.push_back("weight");
      reader_.check_keys(node, "a task (one step plus weight, or name/weight/requests)", allowed);
      result.steps.push_back(request(node, user, inherited));
      result.name = result.steps.front().stats_name;
    }
    if (node["weight"]) result.weight = static_cast<uint32_t>(reader_.integer(node["weight"], "weight", 0, 1'000'000));
    return result;
  }

  RequestSpec request(const Node& node, const UserClass& user, const Inherited& inherited) {
    RequestSpec spec;
    spec.location = reader_.location(node);
    if (!node["path"]) reader_.fail(node, "this step has no path; add one, e.g. path: /query");
    const Node& path_node = node["path"];
    std::string path = reader_.text(path_node, "path");
    if (path.empty() || (path.front() != '/' && path.rfind("{{", 0) != 0)) {
      reader_.fail(path_node, "path '" + path + "' must start with '/'; the host goes in host:");
    }
    spec.stats_name = node["name"] ? reader_.text(node["name"], "name") : path;

    spec.method = node["method"] ? reader_.text(node["method"], "method") : "GET";
    for (auto& c : spec.method) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    static const std::vector<std::string> kMethods = {"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"};
    if (std::find(kMethods.begin(), kMethods.end(), spec.method) == kMethods.end()) {
      reader_.fail(node["method"], "unknown method '" + spec.method + "'; use GET, POST, PUT, PATCH, DELETE, HEAD or OPTIONS");
    }

    std::string base;
    if (user.target && user.target->base_path != "/") base = user.target->join_path("");
    if (!base.empty() && base.back() == '/') base.pop_back();
    spec.target.append_literal(base);
    spec.target.append(compile_text(reader_, path_node, "path", Escape::kUrlPath, context_));
    if (node["query"]) append_query(spec.target, node["query"], path.find('?') != std::string::npos);

    spec.headers = inherited.headers;
    if (node["headers"]) merge_headers(spec.headers, node["headers"]);
    parse_body(node, spec);
    spec.timeout = node["timeout"] ? positive_duration(node["timeout"], "timeout") : inherited.timeout;

    if (node["check"]) parse_check(node["check"], spec.check);
    if (node["rate_limited"]) {
      for (const auto& item : reader_.items(node["rate_limited"])) {
        spec.rate_limited.push_back(static_cast<int>(reader_.integer(item, "rate_limited status", 100, 599)));
      }
    }
    if (node["rate_limited_is_failure"]) {
      spec.rate_limited_is_failure = reader_.boolean(node["rate_limited_is_failure"], "rate_limited_is_failure");
    }
    if (node["extract"]) parse_extract(node["extract"], spec);
    if (node["poll"]) parse_poll(node["poll"], spec);
    if (node["stream"]) {
      spec.stream = reader_.boolean(node["stream"], "stream");
      if (spec.stream && spec.poll) reader_.fail(node["stream"], "a streamed request cannot also poll; drop stream: or poll:");
      bool has_accept = false;
      for (const auto& header : spec.headers) has_accept = has_accept || iequals(header.name, "Accept");
      // Ask for the event stream (ragscale serve streams /query when Accept says so).
      if (spec.stream && !has_accept) spec.headers.push_back(HeaderSpec{"Accept", Template::literal("text/event-stream")});
    }
    if (node["whole_answer"]) {
      spec.whole_answer = reader_.boolean(node["whole_answer"], "whole_answer");
      if (spec.whole_answer && spec.stream) {
        reader_.fail(node["whole_answer"], "a step is either streamed or a whole answer; drop stream: or whole_answer:");
      }
    }
    if (node["retry"]) parse_retry(node["retry"], spec);

    spec.target.collect_vars(spec.required_vars);
    for (const auto& header : spec.headers) header.value.collect_vars(spec.required_vars);
    spec.body.collect_vars(spec.required_vars);
    return spec;
  }

  void append_query(Template& target, const Node& node, bool path_has_query) {
    reader_.expect_map(node, "query");
    bool first = !path_has_query;
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = reader_.text(it->first, "a query parameter name");
      std::string encoded_key;
      append_escaped(encoded_key, key, Escape::kUrlComponent);
      // A list repeats the parameter: ?tag=a&tag=b
      for (const auto& item : reader_.items(it->second)) {
        target.append_literal((first ? "?" : "&") + encoded_key + "=");
        first = false;
        target.append(compile_text(reader_, item, "query parameter '" + key + "'", Escape::kUrlComponent, context_));
      }
    }
  }

  void parse_body(const Node& node, RequestSpec& spec) {
    const char* kinds[] = {"json", "form", "multipart", "body"};
    const char* chosen = nullptr;
    for (const char* kind : kinds) {
      if (!node[kind]) continue;
      if (chosen) reader_.fail(node[kind], std::string("a step takes one body; it has both ") + chosen + " and " + kind);
      chosen = kind;
    }
    if (node["content_type"] && (!chosen || std::string_view(chosen) == "multipart")) {
      reader_.fail(node["content_type"], "content_type applies to body:, json: or form:; multipart sets its own");
    }
    if (!chosen) return;
    CompiledBody compiled;
    std::string_view kind = chosen;
    if (kind == "json") {
      compiled = compile_json_body(reader_, node["json"], context_);
    } else if (kind == "form") {
      compiled = compile_form_body(reader_, node["form"], context_);
    } else if (kind == "multipart") {
      compiled = compile_multipart_body(reader_, node["multipart"], context_);
    } else {
      compiled.body = compile_text(reader_, node["body"], "body", Escape::kNone, context_);
      compiled.content_type = "text/plain; charset=utf-8";
    }
    if (node["content_type"]) compiled.content_type = reader_.text(node["content_type"], "content_type");
    spec.body = std::move(compiled.body);
    spec.has_body = true;
    for (const auto& header : spec.headers) {
      if (iequals(header.name, "Content-Type")) return;
    }
    spec.headers.push_back(HeaderSpec{"Content-Type", Template::literal(compiled.content_type)});
  }

  StatusRange status_range(const Node& node) {
    std::string text = reader_.text(node, "status");
    if (text.size() == 3 && text[0] >= '1' && text[0] <= '5' && (text[1] == 'x' || text[1] == 'X') &&
        (text[2] == 'x' || text[2] == 'X')) {
      int hundreds = (text[0] - '0') * 100;
      return StatusRange{hundreds, hundreds + 99};
    }
    int status = static_cast<int>(reader_.integer(node, "status (a code like 200, or a class like 2xx)", 100, 599));
    return StatusRange{status, status};
  }

  void parse_check(const Node& node, CheckSpec& check) {
    reader_.check_keys(node, "check", {"status", "contains", "json_has", "json_eq", "max_latency"});
    if (node["status"]) {
      for (const auto& item : reader_.items(node["status"])) check.status.push_back(status_range(item));
    }
    if (node["contains"]) check.contains = reader_.text_list(node["contains"], "contains");
    if (node["json_has"]) {
      for (const auto& item : reader_.items(node["json_has"])) {
        check.json_has.push_back(reader_.text(item, "json_has"));
        require_pointer(item, check.json_has.back());
      }
    }
    if (const Node& equals = node["json_eq"]) {
      reader_.expect_map(equals, "json_eq");
      for (auto it = equals.begin(); it != equals.end(); ++it) {
        std::string pointer = reader_.text(it->first, "a JSON pointer");
        require_pointer(it->first, pointer);
        check.json_equals.emplace_back(pointer, reader_.text(it->second, "json_eq value"));
      }
    }
    if (node["max_latency"]) check.max_latency = positive_duration(node["max_latency"], "max_latency");
  }

  void require_pointer(const Node& node, const std::string& pointer) {
    if (pointer.empty() || !is_valid_json_pointer(pointer)) {
      reader_.fail(node, "'" + pointer + "' is not a JSON pointer; write it like /answer or /items/0/id");
    }
  }

  void parse_extract(const Node& node, RequestSpec& spec) {
    reader_.expect_map(node, "extract");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string var = reader_.text(it->first, "a variable name");
      if (!is_var_name(var)) reader_.fail(it->first, "variable name '" + var + "' may hold only letters, digits, '_' and '-'");
      std::string pointer = reader_.text(it->second, "extract pointer");
      require_pointer(it->second, pointer);
      spec.extract.push_back(ExtractSpec{var, pointer});
    }
  }

  void parse_poll(const Node& node, RequestSpec& spec) {
    reader_.check_keys(node, "poll", {"until", "in", "interval", "max_tries"});
    if (!node["until"] || !node["in"]) {
      reader_.fail(node, "poll needs until: and in:, e.g. {until: /status, in: [ready, failed], interval: 500ms}");
    }
    PollSpec poll;
    poll.pointer = reader_.text(node["until"], "until");
    require_pointer(node["until"], poll.pointer);
    poll.in = reader_.text_list(node["in"], "in");
    if (poll.in.empty()) reader_.fail(node["in"], "in is empty; list the values that end the polling");
    if (node["interval"]) poll.interval = reader_.duration(node["interval"], "interval");
    if (node["max_tries"]) poll.max_tries = static_cast<uint32_t>(reader_.integer(node["max_tries"], "max_tries", 1, 1'000'000));
    spec.poll = std::move(poll);
  }

  // retry: 3, or {attempts: 3, backoff: 100ms..2s, jitter: full, on: [429, 503, connect]}
  void parse_retry(const Node& node, RequestSpec& spec) {
    RetrySpec retry;
    retry.statuses = {StatusRange{429, 429}, StatusRange{503, 503}};
    retry.on_connect = true;
    constexpr int64_t kMostAttempts = 100;
    if (node.IsScalar()) {
      retry.attempts = static_cast<uint32_t>(reader_.integer(node, "retry (attempts in all)", 1, kMostAttempts));
      spec.retry = retry;
      return;
    }
    reader_.check_keys(node, "retry", {"attempts", "backoff", "jitter", "on", "retry_after"});
    if (node["attempts"]) {
      retry.attempts = static_cast<uint32_t>(reader_.integer(node["attempts"], "attempts (in all, the first included)", 1, kMostAttempts));
    }
    if (node["backoff"]) parse_backoff(node["backoff"], retry);
    if (const Node& jitter = node["jitter"]) {
      const std::string kind = reader_.text(jitter, "jitter");
      if (kind != "full" && kind != "none") reader_.fail(jitter, "jitter is full or none, not '" + kind + "'");
      retry.jitter = kind == "full";
    }
    if (node["retry_after"]) retry.honour_retry_after = reader_.boolean(node["retry_after"], "retry_after");
    if (const Node& on = node["on"]) {
      retry.statuses.clear();
      retry.on_connect = false;
      for (const auto& item : reader_.items(on)) {
        const std::string text = reader_.text(item, "on");
        if (text == "connect") retry.on_connect = true;
        else if (text == "timeout") retry.on_timeout = true;
        else if (text == "reset") retry.on_reset = true;
        else if (!text.empty() && std::isdigit(static_cast<unsigned char>(text[0]))) retry.statuses.push_back(status_range(item));
        else reader_.fail(item, "retry on '" + text + "': use statuses (429, 5xx) or connect, timeout, reset");
      }
      if (retry.statuses.empty() && !retry.on_connect && !retry.on_timeout && !retry.on_reset) {
        reader_.fail(on, "retry on: is empty; list what to retry, e.g. [429, 503, connect]");
      }
    }
    spec.retry = retry;
  }

  // backoff: 100ms..2s (base..cap), 500ms (base = cap), or {base: 100ms, cap: 2s}
  void parse_backoff(const Node& node, RetrySpec& retry) {
    if (node.IsMap()) {
      reader_.check_keys(node, "backoff", {"base", "cap"});
      if (node["base"]) retry.base = positive_duration(node["base"], "backoff base");
      if (node["cap"]) retry.cap = positive_duration(node["cap"], "backoff cap");
    } else {
      const std::string text = reader_.text(node, "backoff");
      const size_t dots = text.find("..");
      std::string error;
      auto base = try_parse_duration(text.substr(0, dots), &error);
      auto cap = dots == std::string::npos ? base : try_parse_duration(text.substr(dots + 2), &error);
      if (!base || !cap) reader_.fail(node, "backoff '" + text + "': " + error + " (forms: 100ms..2s, 500ms, {base: 100ms, cap: 2s})");
      retry.base = *base;
      retry.cap = *cap;
      if (retry.base.count() <= 0) reader_.fail(node, "backoff base must be above 0, e.g. 100ms..2s");
    }
    if (retry.cap < retry.base) reader_.fail(node, "backoff cap is below its base; write BASE..CAP, e.g. 100ms..2s");
  }

  // ---- load & thresholds ----

  void parse_load(const Node& node) {
    reader_.check_keys(node, "load", {"users", "spawn_rate", "run_time", "stages", "rate", "max_in_flight", "profile", "iterations"});
    LoadSpec& load = scenario_.load;
    if (node["users"]) load.users = static_cast<uint64_t>(reader_.integer(node["users"], "users", 1, 100'000'000));
    if (node["spawn_rate"]) {
      load.spawn_rate = reader_.number(node["spawn_rate"], "spawn_rate", 0);
      if (*load.spawn_rate <= 0) reader_.fail(node["spawn_rate"], "spawn_rate must be above 0 users per second");
    }
    if (node["run_time"]) load.run_time = positive_duration(node["run_time"], "run_time");
    if (const Node& stages = node["stages"]) {
      reader_.expect_sequence(stages, "stages");
      for (const auto& item : stages) {
        reader_.check_keys(item, "a stage", {"duration", "target"});
        if (!item["duration"] || !item["target"]) reader_.fail(item, "a stage needs duration and target, e.g. {duration: 1m, target: 100}");
        load.stages.push_back(Stage{reader_.duration(item["duration"], "duration"), reader_.number(item["target"], "target", 0)});
      }
    }
    if (node["rate"]) {
      load.rate = reader_.number(node["rate"], "rate", 0);
      if (*load.rate <= 0) reader_.fail(node["rate"], "rate must be above 0 iterations per second");
    }
    if (node["max_in_flight"]) load.max_in_flight = static_cast<uint64_t>(reader_.integer(node["max_in_flight"], "max_in_flight", 1, 100'000'000));
    if (node["iterations"]) load.iterations = static_cast<uint64_t>(reader_.integer(node["iterations"], "iterations", 1, INT64_MAX));
    if (const Node& profile = node["profile"]) {
      std::string name = reader_.text(profile, "profile");
      for (Profile candidate : {Profile::kSmoke, Profile::kLoad, Profile::kStress, Profile::kSpike, Profile::kSoak}) {
        if (name == profile_name(candidate)) load.profile = candidate;
      }
      if (load.profile == Profile::kUnset) reader_.fail(profile, "unknown profile '" + name + "'; use smoke, load, stress, spike or soak");
    }
  }

  void parse_thresholds(const Node& node) {
    reader_.expect_map(node, "thresholds");
    for (auto it = node.begin(); it != node.end(); ++it) {
      std::string key = reader_.text(it->first, "a threshold metric");
      for (const auto& item : reader_.items(it->second)) {
        if (item.IsMap()) {
          reader_.check_keys(item, "a threshold", {"threshold", "abort_on_fail", "delay_abort_eval"});
          if (!item["threshold"]) reader_.fail(item, "missing threshold:, e.g. {threshold: \"rate<0.01\", abort_on_fail: true}");
        }
        // Not a Node assignment: yaml-cpp's operator= would overwrite the node itself.
        const Node condition = item.IsMap() ? item["threshold"] : item;
        Threshold threshold;
        try {
          threshold = parse_threshold(key, reader_.text(condition, "threshold"));
        } catch (const ThresholdError& e) {
          reader_.fail(condition, e.what());
        }
        if (item.IsMap()) {
          if (item["abort_on_fail"]) threshold.abort_on_fail = reader_.boolean(item["abort_on_fail"], "abort_on_fail");
          if (item["delay_abort_eval"]) threshold.delay_abort_eval = reader_.duration(item["delay_abort_eval"], "delay_abort_eval");
        }
        scenario_.thresholds.push_back(std::move(threshold));
      }
    }
  }

  YamlReader reader_;
  std::string base_dir_;
  TemplateContext context_;
  Scenario scenario_;
};

}  // namespace

const char* profile_name(Profile profile) {
  switch (profile) {
    case Profile::kUnset: return "";
    case Profile::kSmoke: return "smoke";
    case Profile::kLoad: return "load";
    case Profile::kStress: return "stress";
    case Profile::kSpike: return "spike";
    case Profile::kSoak: return "soak";
  }
  return "";
}

Scenario load_scenario_text(const std::string& yaml, const std::string& source_name, const std::string& base_dir,
                            const ScenarioLoadOptions& options) {
  Node root;
  try {
    root = YAML::Load(yaml);
  } catch (const YAML::ParserException& e) {
    YamlReader(source_name).fail(e.mark, "invalid YAML: " + e.msg + "; check indentation and quoting near here");
  }
  return Parser(source_name, base_dir, options).parse(root);
}

Scenario load_scenario_file(const std::string& path, const ScenarioLoadOptions& options) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ScenarioError(path + ": cannot open the scenario file; check the path");
  std::ostringstream contents;
  contents << file.rdbuf();
  std::string base_dir = std::filesystem::path(path).parent_path().string();
  return load_scenario_text(contents.str(), path, base_dir, options);
}

}  // namespace ragscale::scenario
