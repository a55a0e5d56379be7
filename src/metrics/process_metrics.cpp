#include "metrics/process_metrics.h"

#include <dirent.h>
#include <sched.h>
#include <sys/resource.h>
#include <unistd.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string_view>
#include <vector>

namespace ragscale::metrics {
namespace {

// The fields of /proc/self/stat after the command name, which is in parentheses and may
// itself hold spaces: [0] is field 3 of proc(5) (the state).
std::vector<std::string> stat_fields_after_name() {
  std::ifstream file("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());
  const size_t name_end = text.rfind(')');
  if (name_end == std::string::npos) return {};
  std::istringstream rest(text.substr(name_end + 1));
  std::vector<std::string> fields;
  for (std::string field; rest >> field;) fields.push_back(std::move(field));
  return fields;
}

// proc(5) field `number` (1-based) of /proc/self/stat, as a number; 0 when unreadable.
double stat_field(const std::vector<std::string>& fields, size_t number) {
  const size_t index = number - 3;
  return index < fields.size() ? std::strtod(fields[index].c_str(), nullptr) : 0;
}

constexpr size_t kNumThreadsField = 20;
constexpr size_t kStartTimeField = 22;  // clock ticks after boot

double boot_time_seconds() {
  std::ifstream file("/proc/stat");
  for (std::string line; std::getline(file, line);) {
    if (line.rfind("btime ", 0) == 0) return std::strtod(line.c_str() + 6, nullptr);
  }
  return 0;
}

// Constant for the life of the process: read once.
double start_time_seconds() {
  static const double start = [] {
    const double ticks = stat_field(stat_fields_after_name(), kStartTimeField);
    const long per_second = sysconf(_SC_CLK_TCK);
    const double boot = boot_time_seconds();
    return per_second > 0 && boot > 0 ? boot + ticks / double(per_second) : 0.0;
  }();
  return start;
}

uint64_t open_fds() {
  DIR* dir = opendir("/proc/self/fd");
  if (!dir) return 0;
  uint64_t count = 0;
  while (const dirent* entry = readdir(dir)) {
    if (entry->d_name[0] != '.') ++count;
  }
  closedir(dir);
  return count > 0 ? count - 1 : 0;  // the listing's own descriptor is not the process's
}

uint64_t max_fds() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) return 0;
  return limit.rlim_cur;
}

uint64_t cores_available() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof set, &set) != 0) return 0;
  return static_cast<uint64_t>(CPU_COUNT(&set));
}

void append_metric(std::string& out, std::string_view name, std::string_view type, std::string_view help,
                   double value) {
  char number[64];
  std::snprintf(number, sizeof number, "%.15g", value);
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
  out.append(name).append(" ").append(number).append("\n");
}

}  // namespace

double process_cpu_seconds() {
  rusage usage{};
  if (getrusage(RUSAGE_SELF, &usage) != 0) return 0;
  auto seconds = [](const timeval& t) { return double(t.tv_sec) + double(t.tv_usec) / 1e6; };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

uint64_t process_resident_bytes() {
  std::ifstream statm("/proc/self/statm");
  uint64_t size = 0, resident = 0;
  if (!(statm >> size >> resident)) return 0;
  return resident * static_cast<uint64_t>(sysconf(_SC_PAGESIZE));
}

ProcessSample sample_process() {
  ProcessSample sample;
  sample.cpu_seconds = process_cpu_seconds();
  sample.resident_bytes = process_resident_bytes();
  sample.open_fds = open_fds();
  sample.max_fds = max_fds();
  sample.start_time_seconds = start_time_seconds();
  sample.threads = static_cast<uint64_t>(stat_field(stat_fields_after_name(), kNumThreadsField));
  sample.cpu_cores_available = cores_available();
  return sample;
}

void append_process_metrics(std::string& out, const ProcessSample& sample) {
  append_metric(out, "process_cpu_seconds_total", "counter", "Total user and system CPU time spent in seconds.",
                sample.cpu_seconds);
  append_metric(out, "process_resident_memory_bytes", "gauge", "Resident memory size in bytes.",
                double(sample.resident_bytes));
  append_metric(out, "process_open_fds", "gauge", "Number of open file descriptors.", double(sample.open_fds));
  append_metric(out, "process_max_fds", "gauge", "Maximum number of open file descriptors.", double(sample.max_fds));
  append_metric(out, "process_start_time_seconds", "gauge", "Start time of the process since unix epoch in seconds.",
                sample.start_time_seconds);
  append_metric(out, "process_threads", "gauge", "Number of OS threads in the process.", double(sample.threads));
  append_metric(out, "ragscale_cpu_cores_available", "gauge",
                "CPUs this process may run on (its affinity mask): CPU seconds per second can reach this.",
                double(sample.cpu_cores_available));
}

}  // namespace ragscale::metrics
