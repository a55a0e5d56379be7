// CapacityOptions: what `ragscale capacity` is told on its command line. Its own flags (the
// SLOs, the search and its outputs) are read here; every other flag is the load command's
// (target, scenario, request, HTTPS, model endpoint, execution) and is read by
// parse_load_options(), so the two commands can never disagree about them. Flags that shape
// the load (users, rates, stages, run time, iterations, profiles) and the load's own outputs
// are refused: the search sets the load of each step.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "load/load_options.h"

namespace ragscale::capacity {

struct CapacityOptions {
  load::LoadOptions load;
  std::vector<std::string> slos;  // threshold syntax; none given: http_req_failed:rate<0.01
  enum class By { kRate, kUsers };
  By by = By::kRate;
  std::optional<double> start;  // default: derived from the SLOs (rate) or 1 (users)
  std::optional<double> max;
  double growth = 2;
  double tolerance = 0.05;
  std::chrono::microseconds step_time{std::chrono::seconds(10)};
  std::optional<std::chrono::microseconds> max_step_time;  // default 3 x step_time
  std::chrono::microseconds cooldown{std::chrono::seconds(3)};
  std::optional<std::string> json_file;
  std::optional<std::string> html_file;
};

// argv[0] is "capacity". Throws std::invalid_argument: one line naming the flag, what is
// wrong and how to fix it.
CapacityOptions parse_capacity_options(int argc, char** argv);

const char* capacity_help_text();

// A message of the load command's setup ("ragscale load: ...") in this command's name.
std::string in_capacity_words(std::string message);

}  // namespace ragscale::capacity
