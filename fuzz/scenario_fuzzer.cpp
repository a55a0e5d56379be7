// Fuzz target: scenario files (scenario::load_scenario_text: YAML, validation, data
// sources, templates, thresholds, load shapes), then what `ragscale load` does with a
// scenario that loads: pick classes and tasks, draw waits, render every step. Load
// errors must be ScenarioError; a rendered request must be sendable (a token method,
// a target without raw spaces or control bytes, headers without CR/LF).
// Input: YAML text. Data files resolve against fuzz/data/scenarios/.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>

#include <yaml-cpp/yaml.h>

#include "load/scenario/render.h"
#include "load/scenario/scenario.h"
#include "scenario_fixture.h"

namespace {

namespace fs = std::filesystem;
using namespace ragscale;

const std::string kBaseDir = RAGSCALE_FUZZ_DATA_DIR "/scenarios";

// Data files must be small regular files (or missing): reading /dev/zero or a pipe
// would hang the fuzzer, and that is the environment, not the parser.
bool data_files_are_safe(const YAML::Node& root) {
  if (!root.IsMap()) return true;
  const YAML::Node data = root["data"];
  if (!data || !data.IsMap()) return true;
  for (auto it = data.begin(); it != data.end(); ++it) {
    const YAML::Node source = it->second;
    if (!source.IsMap()) continue;
    const YAML::Node file = source["file"];
    if (!file || !file.IsScalar()) continue;
    fs::path path(file.Scalar());
    if (path.is_relative()) path = fs::path(kBaseDir) / path;
    std::error_code error;
    auto status = fs::status(path, error);
    if (!fs::exists(status)) continue;
    if (!fs::is_regular_file(status) || fs::file_size(path, error) > 64 * 1024) return false;
  }
  return true;
}

bool is_token_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
         std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

void check_sendable(const scenario::RenderedRequest& request) {
  if (request.method.empty()) fuzz::fail("empty method");
  for (char c : request.method) {
    if (!is_token_char(c)) fuzz::fail("method is not an HTTP token", request.method);
  }
  if (request.target.empty() || request.target.front() != '/') fuzz::fail("target does not start with '/'", request.target);
  for (unsigned char c : request.target) {
    if (c <= ' ' || c >= 0x7f) fuzz::fail("raw space, control or non-ASCII byte in the target", request.target);
  }
  for (const auto& [name, value] : request.headers) {
    if (name.empty()) fuzz::fail("empty header name");
    for (char c : name) {
      if (!is_token_char(c)) fuzz::fail("header name is not an HTTP token", name);
    }
    if (value.find_first_of("\r\n") != std::string::npos) fuzz::fail("CR or LF in a header value", value);
  }
}

void render_steps(const std::vector<scenario::RequestSpec>& steps, scenario::UserState& user, scenario::Rng& rng) {
  for (const auto& step : steps) {
    if (scenario::missing_var(step, user)) {
      for (const auto& name : step.required_vars) user.vars.emplace(name, "v\"\r\n%");
    }
    ++user.render_epoch;
    check_sendable(scenario::render(step, user, rng));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string yaml(reinterpret_cast<const char*>(data), size);
  try {
    if (!data_files_are_safe(YAML::Load(yaml))) return 0;
  } catch (const YAML::Exception&) {
    // load_scenario_text reports it
  }
  scenario::ScenarioLoadOptions options;
  options.getenv = fuzz::awkward_context().getenv;
  scenario::Scenario loaded;
  try {
    loaded = scenario::load_scenario_text(yaml, "fuzz.yaml", kBaseDir, options);
  } catch (const scenario::ScenarioError&) {
    return 0;
  }
  scenario::Rng rng(fuzz::hash_of(yaml));
  if (loaded.user_picker && loaded.user_picker->pick(rng) >= loaded.users.size()) fuzz::fail("user class out of range");
  for (const auto& user_class : loaded.users) {
    scenario::UserState user = fuzz::awkward_user({});
    (void)user_class.wait.next(rng, std::chrono::milliseconds(5));
    render_steps(user_class.on_start, user, rng);
    if (!user_class.tasks.empty() && user_class.task_picker.pick(rng) >= user_class.tasks.size()) {
      fuzz::fail("task out of range");
    }
    for (const auto& task : user_class.tasks) render_steps(task.steps, user, rng);
  }
  return 0;
}
