#include "load/segment/local_processes.h"
#include "common/self_executable.h"

#include <sched.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>

#include "load/load_setup.h"
#include "load/output/console_report.h"
#include "load/output/parts_table.h"
#include "load/output/run_outputs.h"
#include "load/run_exit_code.h"
#include "load/runner.h"
#include "load/segment/start_time.h"
#include "merge/run_merge.h"

namespace ragscale::load {

namespace {

// Flags the parent answers for itself, and whether each takes a value.
struct ParentFlag {
  std::string_view name;
  bool takes_value;
};
constexpr ParentFlag kParentFlags[] = {
    {"--processes", true}, {"--csv", true},  {"--csv-full-history", false}, {"--csv-precise", false},
    {"--json", true},      {"--html", true}, {"-q", false},                 {"--quiet", false},
    {"--start-at", true},  {"--seed", true}, {"--threads", true},
};

// The child's arguments after "load": the parent's minus its own flags.
std::vector<std::string> child_arguments(int argc, char** argv) {
  std::vector<std::string> kept;
  for (int i = 1; i < argc; ++i) {
    std::string_view arg = argv[i];
    const std::string_view name = arg.substr(0, arg.find('='));
    bool dropped = false;
    for (const ParentFlag& flag : kParentFlags) {
      if (name != flag.name) continue;
      dropped = true;
      if (flag.takes_value && name.size() == arg.size()) ++i;  // the value is the next argument
    }
    if (!dropped) kept.emplace_back(arg);
  }
  return kept;
}

std::vector<int> allowed_cpus() {
  cpu_set_t set;
  std::vector<int> cpus;
  if (sched_getaffinity(0, sizeof set, &set) != 0) return cpus;
  for (int cpu = 0; cpu < CPU_SETSIZE; ++cpu) {
    if (CPU_ISSET(cpu, &set)) cpus.push_back(cpu);
  }
  return cpus;
}

struct Child {
  pid_t pid = -1;
  std::string json;
  std::string log;
  int exit_code = -1;
};

pid_t spawn(const std::vector<std::string>& arguments, const std::string& log, const std::vector<int>& cpus) {
  std::vector<char*> raw;
  for (const auto& argument : arguments) raw.push_back(const_cast<char*>(argument.c_str()));
  raw.push_back(nullptr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("cannot start a generator process: ") + std::strerror(errno));
  if (pid == 0) {
    // Ctrl-C reaches the whole foreground group; the parent passes it on itself, once.
    ::setpgid(0, 0);
    if (!cpus.empty()) {
      cpu_set_t set;
      CPU_ZERO(&set);
      for (int cpu : cpus) CPU_SET(cpu, &set);
      ::sched_setaffinity(0, sizeof set, &set);
    }
    FILE* out = std::freopen(log.c_str(), "w", stdout);
    if (out) ::dup2(::fileno(stdout), STDERR_FILENO);
    ::execv(raw[0], raw.data());
    std::fprintf(stderr, "cannot run %s: %s\n", raw[0], std::strerror(errno));
    ::_exit(kExitBadInput);
  }
  return pid;
}

std::string last_lines(const std::string& path, size_t count) {
  std::ifstream file(path);
  std::vector<std::string> lines;
  for (std::string line; std::getline(file, line);) {
    if (!line.empty()) lines.push_back(line);
  }
  std::string text;
  for (size_t i = lines.size() > count ? lines.size() - count : 0; i < lines.size(); ++i) text += lines[i] + "\n";
  return text;
}

}  // namespace

int run_local_processes(int argc, char** argv, const LoadOptions& options, uint64_t seed,
                        const std::vector<scenario::Threshold>& thresholds) {
  const int processes = *options.processes;
  char folder_template[] = "/tmp/ragscale-processes.XXXXXX";
  if (::mkdtemp(folder_template) == nullptr) {
    std::fprintf(stderr, "ragscale load: --processes: cannot make a temporary folder: %s\n", std::strerror(errno));
    return kExitBadInput;
  }
  const std::filesystem::path folder = folder_template;
  struct RemoveFolder {
    std::filesystem::path path;
    ~RemoveFolder() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  } remove_folder{folder};

  const std::vector<int> cpus = allowed_cpus();
  const int cpus_each = std::max<int>(1, static_cast<int>(cpus.size()) / processes);
  const int threads = options.threads.value_or(cpus_each);
  // Every child starts on one whole second, so their seconds line up with the wall clock's.
  const double start = options.start_at.value_or(std::ceil(unix_time_now() + 1.0));
  const std::string start_text = format_rfc3339(start);
  std::vector<std::string> common;
  try {
    common = {self_executable(), "load"};
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale load: --processes: %s\n", error.what());
    return kExitBadInput;
  }
  for (auto& argument : child_arguments(argc, argv)) common.push_back(std::move(argument));

  std::fprintf(stderr, "ragscale load: %d generator processes (segments 0/%d..%d/%d, %d thread%s each), starting at %s\n",
               processes, processes, processes - 1, processes, threads, threads == 1 ? "" : "s", start_text.c_str());
  install_stop_signal_handlers();
  const int signals_at_start = stop_request_count();
  std::vector<Child> children(static_cast<size_t>(processes));
  for (int i = 0; i < processes; ++i) {
    Child& child = children[static_cast<size_t>(i)];
    child.json = (folder / ("part-" + std::to_string(i) + ".json")).string();
    child.log = (folder / ("part-" + std::to_string(i) + ".log")).string();
    std::vector<std::string> arguments = common;
    const std::string segment = std::to_string(i) + "/" + std::to_string(processes);
    for (const std::string& extra : {std::string("--segment"), segment, std::string("--start-at"), start_text,
                                     std::string("--seed"), std::to_string(seed), std::string("--threads"),
                                     std::to_string(threads), std::string("-q"), std::string("--json"), child.json}) {
      arguments.push_back(extra);
    }
    std::vector<int> own_cpus;
    if (static_cast<int>(cpus.size()) >= processes) {
      own_cpus.assign(cpus.begin() + i * cpus_each, cpus.begin() + (i + 1) * cpus_each);
    }
    try {
      child.pid = spawn(arguments, child.log, own_cpus);
    } catch (const std::exception& error) {
      std::fprintf(stderr, "ragscale load: --processes: %s\n", error.what());
      for (Child& started : children) {
        if (started.pid > 0) ::kill(started.pid, SIGTERM);
      }
      return kExitBadInput;
    }
  }

  // Wait for every child, passing each stop request on.
  int signals_passed = signals_at_start;
  size_t running = children.size();
  while (running > 0) {
    if (stop_request_count() != signals_passed) {
      signals_passed = stop_request_count();
      for (Child& child : children) {
        if (child.exit_code < 0) ::kill(child.pid, SIGINT);
      }
    }
    for (Child& child : children) {
      if (child.exit_code >= 0) continue;
      int status = 0;
      if (::waitpid(child.pid, &status, WNOHANG) == child.pid) {
        child.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
        --running;
      }
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  const bool interrupted = signals_passed != signals_at_start;

  std::vector<merge::MergeInput> parts;
  for (size_t i = 0; i < children.size(); ++i) {
    const Child& child = children[i];
    if (child.exit_code == kExitBadInput || !std::filesystem::exists(child.json)) {
      std::fprintf(stderr, "ragscale load: generator process %zu/%d ended with exit code %d:\n%s", i, processes,
                   child.exit_code, last_lines(child.log, 5).c_str());
      return child.exit_code == kExitBadInput ? kExitBadInput : kExitAborted;
    }
    try {
      parts.push_back({"process " + std::to_string(i), output::read_json_summary(child.json)});
    } catch (const std::exception& error) {
      std::fprintf(stderr, "ragscale load: generator process %zu: %s\n", i, error.what());
      return kExitBadInput;
    }
  }
  merge::MergedRun merged;
  try {
    merged = merge::merge_runs(std::move(parts), thresholds);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale load: --processes: %s\n", error.what());
    return kExitBadInput;
  }
  for (const auto& warning : merged.warnings) std::fprintf(stderr, "ragscale load: %s\n", warning.c_str());

  const output::RunSummary& run = merged.summary;
  std::fputs(output::format_end_of_run_report(run.stats).c_str(), stdout);
  std::fputs(output::format_parts_table(run.info.parts).c_str(), stdout);
  std::fputs(output::format_threshold_verdicts(merged.thresholds).c_str(), stdout);
  if (merged.aborted) std::printf("\nRun aborted: %s\n", run.info.abort_reason.c_str());
  int exit_code = 0;
  try {
    output::write_run_outputs(run_output_paths(options), run);
  } catch (const std::exception& error) {
    std::fprintf(stderr, "ragscale load: %s\n", error.what());
    exit_code = kExitBadInput;
  }
  return run_exit_code(merged.aborted, merged.thresholds.all_passed(), interrupted, exit_code);
}

}  // namespace ragscale::load
