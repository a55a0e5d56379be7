// `ragscale sim`: reads the flags and config file, starts the simulator, prints the line
// that names its address, and stops gracefully on SIGINT or SIGTERM.
#include <csignal>
#include <cstdio>
#include <exception>

#include "common/heap_policy.h"
#include "app/commands.h"
#include "common/duration.h"
#include "net/descriptor_limit.h"
#include "sim/sim_config.h"
#include "sim/sim_server.h"

namespace ragscale {

namespace {

std::string summary(const sim::SimConfig& config) {
  std::string text = "ttft " + sim::format_distribution(config.time_to_first_token, sim::DistributionUnit::kDuration) +
                     ", itl " + sim::format_distribution(config.inter_token_latency, sim::DistributionUnit::kDuration) +
                     ", slots " + (config.max_concurrency == 0 ? std::string("unlimited") : std::to_string(config.max_concurrency));
  if (config.requests_per_minute > 0) text += ", rpm " + std::to_string(config.requests_per_minute);
  if (config.tokens_per_minute > 0) text += ", tpm " + std::to_string(config.tokens_per_minute);
  if (config.faults.any()) text += ", faults on";
  return text;
}

}  // namespace

int run_sim_command(int argc, char** argv) {
  sim::SimConfig config;
  try {
    if (sim::parse_sim_command_line(argc, argv, config) == sim::CommandLineOutcome::kHelp) {
      std::fputs(sim::sim_help_text().c_str(), stdout);
      return 0;
    }
  } catch (const std::invalid_argument& e) {
    std::fprintf(stderr, "ragscale sim: %s\n", e.what());
    return 2;
  }
  fix_large_allocation_threshold();  // a huge request's memory goes back when it is done
  net::raise_open_file_limit();  // each open stream is a socket

  // Block the stop signals before any thread starts, so only sigwait below sees them.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  sim::SimServer server(config);
  try {
    server.start();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "ragscale sim: cannot listen on %s:%u: %s\n", config.host.c_str(), config.port, e.what());
    return 1;
  }
  std::printf("ragscale sim listening on http://%s:%u (%s)\n", config.host.c_str(), server.port(), summary(config).c_str());
  std::fflush(stdout);

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  std::printf("ragscale sim: %s received, finishing answers in flight (up to %s)\n",
              signal_number == SIGINT ? "SIGINT" : "SIGTERM",
              format_duration(std::chrono::duration_cast<std::chrono::microseconds>(config.shutdown_grace)).c_str());
  std::fflush(stdout);
  server.shutdown();
  std::printf("ragscale sim stopped: %llu requests answered, %llu tokens generated\n",
              static_cast<unsigned long long>(server.requests_answered()),
              static_cast<unsigned long long>(server.completion_tokens()));
  return 0;
}

}  // namespace ragscale
