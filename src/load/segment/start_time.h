// Start times for --start-at: every generator of a distributed run starts at one wall-clock
// instant, so their seconds (and the merged time series) line up.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace ragscale::load {

// Seconds since the Unix epoch, with a fraction.
double unix_time_now();

// "+30s" / "+2m" (from `now`), or RFC 3339: 2026-12-02T15:00:00Z, 2026-12-02T15:00:00.250Z,
// 2026-12-02T16:00:00+01:00 (a space may stand for the T, lowercase t and z are accepted).
// Returns Unix seconds. Throws std::invalid_argument saying what is wrong, with an example.
double parse_start_time(std::string_view text, double now);

// Unix seconds as RFC 3339 in UTC with milliseconds: 2026-12-02T15:00:00.000Z.
std::string format_rfc3339(double unix_seconds);

// Sleeps until `start` (Unix seconds) unless `stop` turns true first (checked every 50 ms).
// Returns how late the wake-up is in seconds (negative when stopped early).
double wait_until(double start, const std::function<bool()>& stop);

}  // namespace ragscale::load
