// The standard Prometheus process collector's metrics for this process, plus the cores it
// may run on, so a remote reader (ragscale diagnose, a dashboard) can tell when a target
// was at its CPU limit: process_cpu_seconds_total, process_resident_memory_bytes,
// process_open_fds, process_max_fds, process_start_time_seconds, process_threads and
// ragscale_cpu_cores_available.
//
// Contract: Linux only (/proc, getrusage, sched_getaffinity); a figure that cannot be read
// is 0, never an exception, so a /metrics page is always answered. Reading costs a few
// small /proc reads and one directory listing of /proc/self/fd, no lock: cheap enough for
// every scrape. Safe from any thread.
#pragma once

#include <cstdint>
#include <string>

namespace ragscale::metrics {

struct ProcessSample {
  double cpu_seconds = 0;          // user + system time of every thread
  uint64_t resident_bytes = 0;
  uint64_t open_fds = 0;
  uint64_t max_fds = 0;            // the soft RLIMIT_NOFILE
  double start_time_seconds = 0;   // Unix time the process started
  uint64_t threads = 0;
  uint64_t cpu_cores_available = 0;  // CPUs in the affinity mask (what a container's cpuset allows)
};

ProcessSample sample_process();

// The sample in the Prometheus text format (0.0.4), HELP and TYPE lines included.
void append_process_metrics(std::string& out, const ProcessSample& sample);
// The same for this process now.
inline void append_process_metrics(std::string& out) { append_process_metrics(out, sample_process()); }

// User + system CPU seconds of this process so far.
double process_cpu_seconds();
// Resident memory of this process in bytes (0 when /proc is unavailable).
uint64_t process_resident_bytes();

}  // namespace ragscale::metrics
