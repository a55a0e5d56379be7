// The order reports list endpoints and errors in, shared by every writer so the CSV, console
// and JSON outputs agree.
//
// Contract: endpoints sorted by (name, method), as Locust sorts its entries; errors by
// occurrences (most first), then name, method, message.
#pragma once

#include <vector>

#include "stats/run_stats.h"

namespace ragscale::output {

std::vector<size_t> endpoints_in_report_order(const RunStats& stats);
std::vector<const ErrorRecord*> errors_in_report_order(const RunStats& stats);

}  // namespace ragscale::output
