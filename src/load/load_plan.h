// LoadPlan: the shape a run will apply, decided once before it starts by layering three
// sources, later ones winning: a --profile preset (the seeds' test types), the scenario
// file's `load:` section, then command-line flags. The layer with the highest
// precedence that says anything about the model (users/stages vs rate) chooses it, so
// `--rate 500` on top of a users preset runs the open model.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "load/arrival_process.h"
#include "load/load_options.h"
#include "load/load_shape.h"
#include "load/segment/execution_segment.h"
#include "load/scenario/scenario.h"

namespace ragscale::load {

struct LoadPlan {
  enum class Model { kClosed, kOpen };
  Model model = Model::kClosed;
  StagedValue users;  // closed model
  StagedValue rate;   // open model: iterations per second
  std::optional<std::chrono::microseconds> run_time;  // nullopt: until the iteration bound
  std::optional<uint64_t> iterations;
  uint64_t max_in_flight = 1000;
  ArrivalSpec arrivals;  // open model: how arrivals are spread in time (--arrivals)
  // The share of this whole plan this generator runs (--segment); users, arrivals,
  // iterations and the in-flight bound above are the whole run's, the runner takes its part.
  ExecutionSegment segment;
  std::string profile;  // the preset used, if any
  std::vector<std::string> notes;  // defaults that were applied, for the start banner

  // "100 users (10/s), 10m" / "500 it/s, 1m" / stages.
  std::string describe() const;
};


// Merges as described above. Throws std::invalid_argument when the result cannot end
// by itself or contradicts itself.
LoadPlan make_load_plan(const LoadOptions& options, const scenario::LoadSpec& file);

// A segment of a closed-model run bounded by iterations needs users to run them: refuses
// (std::invalid_argument) a segment whose share of the peak users is 0, which would never end.
void check_segment_has_work(const LoadPlan& plan);

}  // namespace ragscale::load
