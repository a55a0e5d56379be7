// The results of a capacity search as people and programs read them: the live line of each
// finished step, the end-of-search text (table of steps, the capacity with its bracket and
// the objective that bound it, the knee) and the JSON document (--json).
//
// JSON contract (format "ragscale-capacity", version 1): top-level "capacity" (the last
// passing load, null when none), "unit" ("it/s" or "users"), "by", "end" (search_end_name),
// "bracket" {"last_pass", "first_fail"} (null when absent), "bound_by" (the objective, or
// "saturation", that failed or stayed undecided at first_fail), "knee" {"offered",
// "achieved"} or null, "slos", "settings", "search_seconds", and "steps": each with index,
// phase, offered, seconds, achieved and good requests/s, p50/p95/p99 in ms, error_rate,
// dropped, late, verdict, why, the judgement of every SLO (observed, 95% interval, samples)
// and "summary": the step's full run summary exactly as `ragscale load --json` writes it.
#pragma once

#include <optional>
#include <ostream>
#include <string>
#include <vector>

#include "capacity/capacity_search.h"
#include "capacity/knee.h"
#include "capacity/step_monitor.h"
#include "capacity/step_verdict.h"
#include "load/output/run_info.h"
#include "stats/run_stats.h"

namespace ragscale::capacity {

struct StepRecord {
  double load = 0;
  SearchPhase phase = SearchPhase::kGrowth;
  StepVerdict verdict;
  bool interrupted = false;
  double seconds = 0;  // wall time of the run, stop grace included
  output::RunInfo info;
  RunStats stats;

  double achieved_rps() const;  // responses per second
  double good_rps() const;      // responses that did not fail, per second
  double error_rate() const;
};

struct CapacityReport {
  std::string host;
  bool by_users = false;
  std::vector<std::string> slos;
  SearchSettings search_settings;
  StepTiming timing;
  double cooldown_seconds = 0;
  SearchResult search;
  std::vector<StepRecord> steps;  // in the order run, search.steps[i] is steps[i]
  double search_seconds = 0;

  const char* unit() const { return by_users ? "users" : "it/s"; }
  std::string bound_by() const;
  std::optional<KneePoint> knee() const;  // good requests/s against the offered load
};

// "step 3  156 it/s  10.0 s: 156.0 req/s, p95 0.21 ms, errors 0% -> pass"
std::string format_step_line(const CapacityReport& report, size_t index);
std::string format_capacity_summary(const CapacityReport& report);

void write_capacity_json(std::ostream& out, const CapacityReport& report, bool with_run_summaries = true);
// Throws std::runtime_error naming the path when it cannot write.
void write_capacity_json_file(const std::string& path, const CapacityReport& report);

// A load as the reports print it: whole numbers plainly, others with one decimal.
std::string format_load(double load);

}  // namespace ragscale::capacity
