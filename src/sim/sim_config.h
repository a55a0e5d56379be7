// Everything `ragscale sim` can be told at start: flags, and the same settings from a
// YAML file (--config FILE).
//
// Contract: parse_sim_command_line reads argv (argv[0] is "sim"); when --config is
// given, that file is applied first and the other flags override it, whatever their
// order. YAML keys are the flag names without the dashes ("max_concurrency" or
// "max-concurrency"); repeatable flags (--outage) take a list there. Any mistake throws
// std::invalid_argument with one line that names the flag or key (and the file and
// line for YAML) and says what is accepted. sim_help_text documents every flag with its
// default, from the same table the parser uses.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>

#include "sim/distribution.h"
#include "sim/fault_settings.h"

namespace ragscale::sim {

struct SimConfig {
  std::string host = "127.0.0.1";
  uint16_t port = 8001;
  // Timing (durations in microseconds).
  Distribution time_to_first_token = Distribution::constant(300000);
  Distribution inter_token_latency = Distribution::constant(30000);
  Distribution output_tokens = Distribution::uniform(50, 200);  // capped by the request's max_tokens
  size_t max_concurrency = 64;  // generation slots; 0: unlimited
  size_t max_queue = 10000;     // waiting for a slot; 0: unbounded
  Distribution embedding_latency = Distribution::constant(5000);
  std::chrono::microseconds embedding_latency_per_token{20};
  uint64_t seed = 1;
  // Limits per API key (0: unlimited).
  uint64_t requests_per_minute = 0;
  uint64_t tokens_per_minute = 0;
  // Answers.
  std::string model = "ragscale-sim";
  std::string embedding_model = "ragscale-sim-embedding";
  size_t embedding_dimensions = 384;
  FaultSettings faults;
  // Server.
  size_t max_connections = 20000;
  size_t max_body_bytes = 16 * 1024 * 1024;
  std::chrono::milliseconds header_timeout{10000};
  std::chrono::milliseconds body_timeout{60000};
  std::chrono::milliseconds shutdown_grace{5000};
};

enum class CommandLineOutcome { kRun, kHelp };

CommandLineOutcome parse_sim_command_line(int argc, char** argv, SimConfig& config);
void apply_sim_config_file(const std::string& path, SimConfig& config);
std::string sim_help_text();

}  // namespace ragscale::sim
