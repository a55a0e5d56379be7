#include "load/scenario/yaml_reader.h"

#include <algorithm>
#include <charconv>
#include <cstdio>
#include <cstdlib>

#include "common/duration.h"
#include "load/scenario/scenario.h"

namespace ragscale::scenario {
namespace {

size_t edit_distance(std::string_view a, std::string_view b) {
  std::vector<size_t> row(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) row[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    size_t diagonal = row[0];
    row[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t above = row[j];
      row[j] = std::min({row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] == b[j - 1] ? 0 : 1)});
      diagonal = above;
    }
  }
  return row[b.size()];
}

std::string format_number(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

const char* kQuoteHint = " (a value holding {{ }} must be quoted: \"{{ expr }}\")";

}  // namespace

void YamlReader::fail(const YAML::Mark& mark, std::string_view message) const {
  std::string line = file_;
  if (!mark.is_null()) {
    line.append(":").append(std::to_string(mark.line + 1)).append(":").append(std::to_string(mark.column + 1));
  }
  line.append(": ").append(message);
  throw ScenarioError(line);
}

std::string YamlReader::location(const YAML::Node& node) const {
  return file_ + ":" + std::to_string(node.Mark().line + 1);
}

void YamlReader::expect_map(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) {
    fail(node, std::string(what) + " must be a mapping of key: value pairs" + (node.IsScalar() ? "" : kQuoteHint));
  }
}

void YamlReader::expect_sequence(const YAML::Node& node, std::string_view what) const {
  if (!node.IsSequence()) fail(node, std::string(what) + " must be a list (- item per line, or [a, b])");
}

void YamlReader::check_keys(const YAML::Node& map, std::string_view what,
                            const std::vector<std::string_view>& allowed) const {
  expect_map(map, what);
  for (auto it = map.begin(); it != map.end(); ++it) {
    if (!it->first.IsScalar()) fail(it->first, std::string("keys of ") + std::string(what) + " must be plain names" + kQuoteHint);
    const std::string key = it->first.Scalar();
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string list, closest;
    size_t best = 3;  // suggest only near misses
    for (auto name : allowed) {
      list += (list.empty() ? "" : ", ") + std::string(name);
      size_t distance = edit_distance(key, name);
      if (distance < best) {
        best = distance;
        closest = name;
      }
    }
    std::string message = "unknown key '" + key + "' in " + std::string(what) + "; ";
    if (!closest.empty()) message += "did you mean '" + closest + "'? ";
    message += "allowed keys: " + list;
    fail(it->first, message);
  }
}

std::string YamlReader::text(const YAML::Node& node, std::string_view what) const {
  if (!node.IsScalar()) fail(node, std::string(what) + " must be a single value, not a " + (node.IsMap() ? "mapping" : node.IsSequence() ? "list" : "null") + kQuoteHint);
  return node.Scalar();
}

int64_t YamlReader::integer(const YAML::Node& node, std::string_view what, int64_t min, int64_t max) const {
  std::string value = text(node, what);
  int64_t parsed = 0;
  auto [end, error] = std::from_chars(value.data(), value.data() + value.size(), parsed);
  if (error != std::errc() || end != value.data() + value.size()) {
    fail(node, std::string(what) + " must be a whole number, got '" + value + "'");
  }
  if (parsed < min || parsed > max) {
    fail(node, std::string(what) + " must be between " + std::to_string(min) + " and " + std::to_string(max) +
                   ", got " + value);
  }
  return parsed;
}

double YamlReader::number(const YAML::Node& node, std::string_view what, double min) const {
  std::string value = text(node, what);
  char* end = nullptr;
  double parsed = std::strtod(value.c_str(), &end);
  if (value.empty() || end != value.c_str() + value.size()) {
    fail(node, std::string(what) + " must be a number, got '" + value + "'");
  }
  if (!(parsed >= min)) fail(node, std::string(what) + " must be at least " + format_number(min) + ", got " + value);
  return parsed;
}

bool YamlReader::boolean(const YAML::Node& node, std::string_view what) const {
  std::string value = text(node, what);
  if (value == "true" || value == "True" || value == "TRUE" || value == "yes") return true;
  if (value == "false" || value == "False" || value == "FALSE" || value == "no") return false;
  fail(node, std::string(what) + " must be true or false, got '" + value + "'");
}

std::chrono::microseconds YamlReader::duration(const YAML::Node& node, std::string_view what) const {
  std::string error;
  auto parsed = try_parse_duration(text(node, what), &error);
  if (!parsed) fail(node, std::string(what) + ": " + error);
  return *parsed;
}

std::vector<YAML::Node> YamlReader::items(const YAML::Node& node) const {
  std::vector<YAML::Node> result;
  if (node.IsSequence()) {
    for (const auto& item : node) result.push_back(item);
  } else {
    result.push_back(node);
  }
  return result;
}

std::vector<std::string> YamlReader::text_list(const YAML::Node& node, std::string_view what) const {
  std::vector<std::string> values;
  if (node.IsSequence()) {
    for (const auto& item : node) values.push_back(text(item, what));
  } else {
    values.push_back(text(node, what));
  }
  return values;
}

}  // namespace ragscale::scenario
