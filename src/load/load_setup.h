// LoadSetup: the steps from parsed `ragscale load` options to what run_load() needs, shared by
// every command that runs load in-process (load, capacity): the scenario (quick mode, a file
// with -H, or --openai), the resolved targets, the TLS settings, the worker thread count and
// the RunInfo the reports print. Each throws std::invalid_argument with one line naming the
// flag, what is wrong and how to fix it ("ragscale load: ..." for the load command's wording).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "load/compiled_scenario.h"
#include "load/load_options.h"
#include "load/load_plan.h"
#include "load/output/run_info.h"
#include "load/output/run_outputs.h"
#include "load/scenario/scenario.h"
#include "net/tls_context.h"

namespace ragscale::load {

// The CPUs this process may run on (its affinity mask), at least 1.
int available_cpus();

// Event-loop threads for a run: --threads or the CPUs, and never more than the users of a
// closed-model plan (an idle thread only costs).
int run_threads(const LoadOptions& options, const LoadPlan& plan);

scenario::Scenario build_scenario(const LoadOptions& options, uint64_t seed);

// One target per user class, in the scenario's order.
std::vector<ResolvedTarget> resolve_targets(const scenario::Scenario& scenario, const LoadOptions& options);

net::TlsOptions tls_options(const LoadOptions& options);
bool any_tls(const std::vector<ResolvedTarget>& targets);
// "verified against the system trust store", for the run's settings.
std::string describe_tls(const net::TlsOptions& tls);

output::RunInfo make_run_info(const scenario::Scenario& scenario, const LoadPlan& plan, int threads,
                              const LoadOptions& options);

// The output files the flags ask for.
output::RunOutputPaths run_output_paths(const LoadOptions& options);

// Refuses an output path whose folder is missing or read-only now, not after the run.
void check_output_path(const std::string& flag, const std::string& path);

}  // namespace ragscale::load
