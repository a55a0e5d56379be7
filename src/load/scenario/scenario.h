// The scenario model of `ragscale load`: user classes with weighted tasks and think
// time (Locust's model), load shape, and thresholds (k6's), read from YAML.
//
// Contract:
// - load_scenario_file parses and validates the whole file up front: templates are
//   compiled, data files loaded (paths relative to the YAML file's folder), env.NAME
//   resolved, durations and thresholds parsed. Any problem throws ScenarioError whose
//   what() is one line "FILE:LINE:COL: what is wrong; how to fix"; every unknown key
//   is an error listing the allowed keys.
// - The returned Scenario is immutable and safe to share between threads; per-user
//   mutable state lives in UserState (see render.h).
// - quick_scenario builds the one-GET-task scenario behind `ragscale load URL`.
// The YAML schema is documented in docs by example; in short:
//   host, defaults{headers,timeout}, data{NAME:{file}|{values}}, users[{name, weight |
//   fixed_count, host, headers, wait, on_start[steps], tasks[{name, weight, requests[steps]}
//   or a single step with weight]}], load{...}, thresholds{METRIC[{name:X}]: [conds]}.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

#include "load/scenario/data_source.h"
#include "load/scenario/request_spec.h"
#include "load/scenario/target_url.h"
#include "load/scenario/thresholds.h"
#include "load/scenario/wait_time.h"
#include "load/scenario/weighted_picker.h"

namespace ragscale::scenario {

class ScenarioError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

struct Task {
  std::string name;
  uint32_t weight = 1;
  std::vector<RequestSpec> steps;
};

struct UserClass {
  std::string name;
  uint32_t weight = 1;        // share of spawned users among weighted classes
  uint32_t fixed_count = 0;   // > 0: exactly this many users, spawned first (weight unused)
  WaitSpec wait;
  std::optional<TargetUrl> target;  // the class's host, else the scenario's
  std::vector<RequestSpec> on_start;
  std::vector<Task> tasks;
  WeightedPicker task_picker;
};

struct Stage {
  std::chrono::microseconds duration{0};
  double target = 0;  // users (closed model) or iterations/s (when load.rate is set)
};

// The five test types of the seeds; the executor maps them to load shapes.
enum class Profile { kUnset, kSmoke, kLoad, kStress, kSpike, kSoak };
const char* profile_name(Profile profile);

struct LoadSpec {
  std::optional<uint64_t> users;
  std::optional<double> spawn_rate;                 // users started per second
  std::optional<std::chrono::microseconds> run_time;
  std::vector<Stage> stages;
  std::optional<double> rate;                       // open model: iterations per second
  std::optional<uint64_t> max_in_flight;            // open model cap on concurrent iterations
  Profile profile = Profile::kUnset;
  std::optional<uint64_t> iterations;               // stop after this many task iterations
};

struct Scenario {
  std::string source_file;  // empty for quick scenarios
  std::optional<TargetUrl> host;
  std::vector<std::shared_ptr<const DataSource>> data;
  std::vector<UserClass> users;
  // Picks among classes with fixed_count == 0; empty when every class is fixed.
  std::optional<WeightedPicker> user_picker;
  LoadSpec load;
  std::vector<Threshold> thresholds;
};

struct ScenarioLoadOptions {
  // Environment lookup for env.NAME; defaults to the process environment.
  std::function<std::optional<std::string>(std::string_view)> getenv;
};

Scenario load_scenario_file(const std::string& path, const ScenarioLoadOptions& options = {});
// Parses YAML text as if read from source_name, with data paths relative to base_dir.
Scenario load_scenario_text(const std::string& yaml, const std::string& source_name, const std::string& base_dir,
                            const ScenarioLoadOptions& options = {});

// `ragscale load URL`: one user class "User" with one task that GETs the URL's path.
// Throws std::invalid_argument for a bad URL.
Scenario quick_scenario(const std::string& url, WaitSpec wait = {});

}  // namespace ragscale::scenario
