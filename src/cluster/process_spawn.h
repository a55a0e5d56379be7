// Starting and watching the cluster's processes. spawn_process() starts a program with its
// stdin on /dev/null and its stdout and stderr appended to a log file, optionally as
// another user (PostgreSQL refuses to run as root); it forks, so the caller must be
// single-threaded (the keeper is). process_running() tells a live process from one that
// is gone or a zombie, which still answers kill(pid, 0).
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace ragscale::cluster {

struct SpawnOptions {
  std::vector<std::string> argv;  // argv[0] is the program: a path, or a name looked up in PATH
  std::string log;                // appended to
  std::string user;               // run as this user (with its groups) when not empty
  std::string working_dir;
};

// The child's pid; throws std::runtime_error when the program cannot be started (then
// the log says why, e.g. "cannot run haproxy: No such file or directory").
pid_t spawn_process(const SpawnOptions& options);

bool process_running(pid_t pid);

// Where the program `name` would be found in PATH (or name itself when it has a '/');
// empty when it is not there.
std::string find_program(const std::string& name);

// Signals `pid` with `signal`, waits until it is gone (reaping it if it is our child) for
// up to `grace_ms`, then SIGKILLs it; true when it went before the SIGKILL.
bool stop_process(pid_t pid, int signal, int grace_ms);

}  // namespace ragscale::cluster
