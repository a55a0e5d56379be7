// Reading scenario YAML with errors a person can act on.
//
// Contract: every failure throws ScenarioError with one line
// "FILE:LINE:COL: what is wrong; how to fix" (1-based line and column of the node).
// check_keys rejects any key outside the allowed list, names the allowed keys and
// suggests the closest one. Scalar readers say what they expected and show an example.
// Nodes passed in must be const (a non-const operator[] would insert keys).
#pragma once

#include <yaml-cpp/yaml.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::scenario {

class YamlReader {
 public:
  explicit YamlReader(std::string file) : file_(std::move(file)) {}

  const std::string& file() const { return file_; }
  [[noreturn]] void fail(const YAML::Mark& mark, std::string_view message) const;
  [[noreturn]] void fail(const YAML::Node& node, std::string_view message) const { fail(node.Mark(), message); }
  // "FILE:LINE" of a node, for runtime messages.
  std::string location(const YAML::Node& node) const;

  void expect_map(const YAML::Node& node, std::string_view what) const;
  void expect_sequence(const YAML::Node& node, std::string_view what) const;
  void check_keys(const YAML::Node& map, std::string_view what, const std::vector<std::string_view>& allowed) const;
  // A scalar becomes a one-item list; a sequence its items.
  std::vector<YAML::Node> items(const YAML::Node& node) const;

  std::string text(const YAML::Node& node, std::string_view what) const;
  int64_t integer(const YAML::Node& node, std::string_view what, int64_t min, int64_t max) const;
  double number(const YAML::Node& node, std::string_view what, double min) const;
  bool boolean(const YAML::Node& node, std::string_view what) const;
  std::chrono::microseconds duration(const YAML::Node& node, std::string_view what) const;
  // A scalar or a sequence of scalars.
  std::vector<std::string> text_list(const YAML::Node& node, std::string_view what) const;

 private:
  std::string file_;
};

}  // namespace ragscale::scenario
