// Which faults the simulator injects, as set at start (flags, config file) and changed
// while running through POST /admin/faults.
//
// Contract: all rates are probabilities per request in [0, 1]; statuses are 400-599.
// Outage windows are offsets from a reference time (server start for flags, the moment
// of the POST for /admin/faults). parse_fault_settings_json reads the /admin/faults body:
// every key optional, missing ones take the defaults (so {} heals everything), unknown
// keys and bad values throw std::invalid_argument naming the key and the accepted
// values. fault_settings_json writes the same shape back.
#pragma once

#include <chrono>
#include <string>
#include <string_view>
#include <vector>

#include "sim/distribution.h"

namespace ragscale::sim {

struct OutageWindow {
  std::chrono::microseconds start{0};  // from the reference time
  std::chrono::microseconds duration{0};
};

struct FaultSettings {
  double error_rate = 0;       // answer with error_status instead of generating
  int error_status = 500;
  double timeout_rate = 0;     // accept, then never answer
  double reset_rate = 0;       // reset the connection part-way through the answer
  double slow_rate = 0;        // add slow_delay before the first token
  Distribution slow_delay = Distribution::uniform(5e6, 10e6);
  std::vector<OutageWindow> outages;  // every request inside a window gets outage_status
  int outage_status = 503;

  bool any() const {
    return error_rate > 0 || timeout_rate > 0 || reset_rate > 0 || slow_rate > 0 || !outages.empty();
  }
};

// Validators shared by the flag, config and JSON readers; they throw
// std::invalid_argument with `what` (the flag or key) in the message.
double parse_rate(std::string_view what, std::string_view text);
int parse_error_status(std::string_view what, std::string_view text);
// "START+DURATION", e.g. "30s+10s": from 30 s after the reference time, for 10 s.
OutageWindow parse_outage(std::string_view what, std::string_view text);

FaultSettings parse_fault_settings_json(std::string_view json);
std::string fault_settings_json(const FaultSettings& settings);

}  // namespace ragscale::sim
