// load --processes P: one machine runs P generator processes, each the segment i/P of the run
// with a common --start-at and seed, and reports their merged run as ragscale load reports
// one. For targets that one process (one event loop per core, one address space) cannot
// drive fast enough, and to keep each generator's memory and scheduling independent.
//
// Contract: the children are this binary's `load` with the same flags minus the parent's
// outputs, each pinned to its share of the CPUs this process may use (when there are at
// least P), writing its JSON summary to a private temporary folder that is removed at the
// end. Ctrl-C/SIGTERM are passed on (a second one ends the children's grace period). A child
// that finds bad input makes the whole run bad input (exit 2, its message shown); otherwise
// the exit code is load's, judged on the merged run.
#pragma once

#include <cstdint>
#include <vector>

#include "load/load_options.h"
#include "load/scenario/thresholds.h"

namespace ragscale::load {

int run_local_processes(int argc, char** argv, const LoadOptions& options, uint64_t seed,
                        const std::vector<scenario::Threshold>& thresholds);

}  // namespace ragscale::load
