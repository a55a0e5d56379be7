#include "report/known_target_charts.h"

namespace ragscale::report {

const std::vector<KnownChart>& known_target_charts() {
  static const std::vector<KnownChart> charts = {
      {"Generator CPU use", {"ragscale_load_cpu_cores"}},
      {"Generator event-loop lag", {"ragscale_load_loop_lag_seconds"}},
      {"CPU use", {"process_cpu_seconds_total"}},
      {"Resident memory", {"process_resident_memory_bytes"}},
      {"Requests in flight", {"ragscale_in_flight_requests"}},
      {"Worker queue", {"ragscale_worker_queue"}},
      {"Generations running and generation slots", {"ragscale_sim_active_generations", "ragscale_sim_generation_slots"}},
      {"Streams open", {"ragscale_sim_active_streams"}},
      {"Requests waiting for a generation slot", {"ragscale_sim_queue_depth"}},
      {"Cache hits and misses", {"ragscale_cache_hits_total", "ragscale_cache_misses_total"}},
      {"Request duration p95", {"ragscale_request_duration_seconds:p95"}},
  };
  return charts;
}

}  // namespace ragscale::report
