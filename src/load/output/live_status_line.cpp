#include "load/output/live_status_line.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "load/output/number_format.h"

namespace ragscale::output {

std::string format_clock(double seconds) {
  const auto total = int64_t(std::max(0.0, std::floor(seconds)));
  char text[32];
  if (total >= 3600) {
    std::snprintf(text, sizeof text, "%02lld:%02lld:%02lld", (long long)(total / 3600), (long long)(total / 60 % 60),
                  (long long)(total % 60));
  } else {
    std::snprintf(text, sizeof text, "%02lld:%02lld", (long long)(total / 60), (long long)(total % 60));
  }
  return text;
}

std::string format_live_status(const RunStats& stats, const LiveStatus& status) {
  const EndpointStats& aggregate = stats.aggregate();
  std::string line;
  if (status.planned_duration_seconds && *status.planned_duration_seconds > 0) {
    const double fraction = std::clamp(status.elapsed_seconds / *status.planned_duration_seconds, 0.0, 1.0);
    const int width = std::max(1, status.bar_width);
    const int filled = int(std::floor(fraction * width));
    char percent[16];
    std::snprintf(percent, sizeof percent, "%3d%%", int(std::floor(fraction * 100)));
    line += "[" + std::string(size_t(filled), '#') + std::string(size_t(width - filled), '.') + "] " + percent + " " +
            format_clock(status.elapsed_seconds) + "/" + format_clock(*status.planned_duration_seconds);
  } else {
    line += format_clock(status.elapsed_seconds);
  }
  char rate[64];
  std::snprintf(rate, sizeof rate, "%.1f req/s", aggregate.current_rps());
  line += " | users " + std::to_string(status.users) + " | " + rate;
  const LatencyHistogram& window = aggregate.window_latency();
  if (window.empty()) {
    line += " | p50 - p95 - p99 -";
  } else {
    line += " | p50 " + format_ms(window.percentile(50)) + " ms p95 " + format_ms(window.percentile(95)) +
            " ms p99 " + format_ms(window.percentile(99)) + " ms";
  }
  const double error_percent = aggregate.window_requests() == 0
                                   ? 0.0
                                   : 100.0 * double(aggregate.window_failures()) / double(aggregate.window_requests());
  char errors[32];
  std::snprintf(errors, sizeof errors, " | errors %.2f%%", error_percent);
  return line + errors;
}

}  // namespace ragscale::output
