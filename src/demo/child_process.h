// ChildProcess: a program the demo starts and must stop again, whatever happens.
//
// The child's stdout and stderr go to a log file; until it prints a line containing a
// given marker (e.g. "listening on"), its stdout is also read through a pipe so the
// caller can learn e.g. the port it chose. The destructor sends SIGTERM, waits a grace
// period, then SIGKILL: no child outlives the demo, also when it fails or is interrupted.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <optional>
#include <string>
#include <vector>

namespace ragscale::demo {

class ChildProcess {
 public:
  // Starts `argv` (argv[0] is the program path). Throws std::runtime_error on failure.
  ChildProcess(const std::vector<std::string>& argv, const std::string& log_path);
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  // Reads the child's stdout until a line contains `marker` and returns that line;
  // nullopt when the child exits or the timeout passes first. Later output goes to the log.
  std::optional<std::string> wait_for_line(const std::string& marker, std::chrono::milliseconds timeout);

  // SIGTERM, then SIGKILL after `grace`; returns the exit status (as from waitpid).
  int stop(std::chrono::milliseconds grace = std::chrono::seconds(10));

 private:
  pid_t pid_ = -1;
  int stdout_fd_ = -1;
  int log_fd_ = -1;
  std::string pending_;
};

// Runs `argv` to completion with the terminal as its stdout/stderr; returns its exit code
// (128 + signal when a signal ended it).
int run_to_completion(const std::vector<std::string>& argv);

}  // namespace ragscale::demo
