// The diagnosis rules: each reads a run's evidence and returns a finding when its data show
// the condition, with the threshold it applied in the evidence, or nothing (no data, or no
// sign of it). One rule a file (diagnose/*_rule.cpp).
#pragma once

#include <optional>

#include "diagnose/finding.h"
#include "diagnose/run_evidence.h"

namespace ragscale::diagnose {

// The generator's CPU was at its threads' limit (≥ 85% of `threads` cores on average), its
// load workers' event loops ran late (the median of each interval's largest lag ≥ 10 ms),
// or most open-model arrivals started late: the results understate the target.
std::optional<Finding> check_generator_saturated(const RunEvidence& run);

// A scraped target used ≥ 85% of the cores it may run on (process_cpu_seconds_total's rate
// against ragscale_cpu_cores_available over the steady part), with its worker pool's
// figures when it has them. Says nothing about a target without the cores gauge.
std::optional<Finding> check_cpu_bound_target(const RunEvidence& run);

// Requests/s stopped growing (≤ +10% from the second quarter to the last) while users grew
// (≥ +30% and ≥ 2 more, with p95 ≥ ×1.2) or latency did (p95 ≥ ×1.5 and ≥ +5 ms): the target hit a limit. Little's law gives
// the requests in flight; the scraped queues that filled (slots, worker threads at their count)
// or grew (queue depths and waits, calls in flight, connections) name which one.
std::optional<Finding> check_throughput_plateau(const RunEvidence& run);

// The model backend refused with 429 (the sim's or serve's rate-limit counters), or the
// load's own requests were rate limited (≥ 1% of them).
std::optional<Finding> check_rate_limited(const RunEvidence& run);

// The query cache answered fewer than 60% of its lookups (over ≥ 100 lookups).
std::optional<Finding> check_cache_hit_rate(const RunEvidence& run);

// Resident memory grew ≥ 10% over the run with a positive trend: the projected time to
// twice the last value is given.
std::optional<Finding> check_memory_growth(const RunEvidence& run);

// Seconds where ≥ 10% of requests failed (≥ 5 failures), grouped into bursts, with the
// error kinds the run recorded.
std::optional<Finding> check_error_bursts(const RunEvidence& run);

// Spikes and outages (window p95 ≥ 2× the baseline before them, or the failure rate ≥ 5
// points above it) and how long until both were back (p95 ≤ 1.2× baseline, failures ≤
// baseline + 1 point, for 5 s), or that they never were by the end of the run.
std::optional<Finding> check_recovery(const RunEvidence& run);

}  // namespace ragscale::diagnose
