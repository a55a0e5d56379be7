// The console table of a merged run's parts (one row per generator or segment).
#pragma once

#include <string>
#include <vector>

#include "load/output/run_info.h"

namespace ragscale::output {

// Empty when there are no parts.
std::string format_parts_table(const std::vector<RunPart>& parts);

}  // namespace ragscale::output
