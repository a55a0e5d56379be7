// Fuzz target: request bodies of scenario steps (scenario::compile_json_body,
// compile_form_body, compile_multipart_body). Input: the YAML value of json:, form: or
// multipart:, tried as all three. Compile errors must be ScenarioError; rendered, a
// json: body must parse as JSON, a form: body must be fully URL-encoded, and a
// multipart: body must parse (serve::parse_multipart) into one part per field.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "load/scenario/request_body.h"
#include "load/scenario/scenario.h"
#include "scenario_fixture.h"
#include "serve/api/multipart.h"

namespace {

using namespace ragscale;

std::string render(const scenario::Template& body, const std::string& seed) {
  std::vector<std::string> vars;
  body.collect_vars(vars);
  scenario::UserState user = fuzz::awkward_user(vars);
  scenario::Rng rng(fuzz::hash_of(seed));
  ++user.render_epoch;
  std::string out;
  body.render(out, user, rng);
  return out;
}

void check_form(const std::string& body) {
  for (char c : body) {
    if (!fuzz::is_unreserved(c) && c != '%' && c != '=' && c != '&') fuzz::fail("unencoded byte in a form body", body);
  }
  if (!fuzz::percent_escapes_complete(body)) fuzz::fail("a '%' that is no %XX escape in a form body", body);
}

void check_multipart(const std::string& body, size_t fields) {
  // A field whose own text holds the boundary cannot be framed by a fixed boundary;
  // only bodies where it appears once per field plus the closing one are judged.
  std::string marker = "--" + std::string(scenario::kMultipartBoundary);
  size_t seen = 0;
  for (size_t at = body.find(marker); at != std::string::npos; at = body.find(marker, at + 1)) ++seen;
  if (seen != fields + 1) return;
  try {
    if (serve::parse_multipart(body, scenario::kMultipartBoundary).size() != fields) {
      fuzz::fail("multipart body parses into a different number of parts", body);
    }
  } catch (const std::invalid_argument& e) {
    fuzz::fail("multipart body does not parse", std::string(e.what()) + "\n" + body);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string yaml(reinterpret_cast<const char*>(data), size);
  YAML::Node node;
  try {
    node = YAML::Load(yaml);
  } catch (const YAML::Exception&) {
    return 0;
  }
  const YAML::Node& value = node;
  static const scenario::TemplateContext context = fuzz::awkward_context();
  scenario::YamlReader reader("fuzz.yaml");
  try {
    std::string body = render(scenario::compile_json_body(reader, value, context).body, yaml);
    if (!fuzz::is_json(body)) fuzz::fail("json: body does not parse as JSON", body);
  } catch (const scenario::ScenarioError&) {
  }
  try {
    check_form(render(scenario::compile_form_body(reader, value, context).body, yaml));
  } catch (const scenario::ScenarioError&) {
  }
  try {
    std::string body = render(scenario::compile_multipart_body(reader, value, context).body, yaml);
    check_multipart(body, value.size());
  } catch (const scenario::ScenarioError&) {
  }
  return 0;
}
