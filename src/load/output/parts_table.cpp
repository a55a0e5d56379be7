#include "load/output/parts_table.h"

#include <cstdio>

#include "load/output/number_format.h"

namespace ragscale::output {

std::string format_parts_table(const std::vector<RunPart>& parts) {
  if (parts.empty()) return {};
  std::string text = "\nParts\n";
  char line[512];
  std::snprintf(line, sizeof line, "  %-10s %10s %9s %10s %9s %9s %9s  %s\n", "segment", "requests", "failures",
                "req/s", "p50 ms", "p95 ms", "p99 ms", "source");
  text += line;
  for (const RunPart& part : parts) {
    std::snprintf(line, sizeof line, "  %-10s %10llu %9llu %10s %9s %9s %9s  %s%s\n",
                  part.segment.empty() ? "-" : part.segment.c_str(), static_cast<unsigned long long>(part.requests),
                  static_cast<unsigned long long>(part.failures), format_decimal(part.requests_per_second, 1).c_str(),
                  format_decimal(part.p50_us / 1000.0, 2).c_str(), format_decimal(part.p95_us / 1000.0, 2).c_str(),
                  format_decimal(part.p99_us / 1000.0, 2).c_str(), part.source.c_str(),
                  part.late_start_seconds > 1 ? " (started late)" : "");
    text += line;
  }
  return text;
}

}  // namespace ragscale::output
