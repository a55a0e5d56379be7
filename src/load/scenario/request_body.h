// Compiling a step's body (json:, form:, multipart:, body:) from YAML into one Template.
//
// Contract:
// - json: the YAML tree becomes JSON text. Quoted scalars are strings; plain scalars that
//   are JSON numbers, true/false or null keep that type. A string that is exactly one
//   "{{ expr }}" renders as a JSON number when its result is a number, else as a string;
//   templates inside longer strings are JSON-escaped.
// - form: key=value pairs, application/x-www-form-urlencoded; values may be templates.
// - multipart: text fields (field: value) and files (field: {filename, content,
//   content_type}); multipart/form-data with a fixed boundary.
// Errors throw ScenarioError at the offending node.
#pragma once

#include <yaml-cpp/yaml.h>

#include <string>

#include "load/scenario/template.h"
#include "load/scenario/yaml_reader.h"

namespace ragscale::scenario {

struct CompiledBody {
  Template body;
  std::string content_type;
};

// Compiles one string that may hold templates, turning template errors into
// ScenarioErrors at `node`.
Template compile_text(const YamlReader& reader, const YAML::Node& node, std::string_view what, Escape escape,
                      const TemplateContext& context);

CompiledBody compile_json_body(const YamlReader& reader, const YAML::Node& node, const TemplateContext& context);
CompiledBody compile_form_body(const YamlReader& reader, const YAML::Node& node, const TemplateContext& context);
CompiledBody compile_multipart_body(const YamlReader& reader, const YAML::Node& node, const TemplateContext& context);

inline constexpr std::string_view kMultipartBoundary = "ragscale-form-boundary-7d1f3a9c";

}  // namespace ragscale::scenario
