// Durations as people write them in configs and on the command line.
//
// Contract:
// - parse_duration accepts one or more NUMBER+UNIT groups, largest unit first or in any
//   order ("250ms", "10s", "1m30s", "2h", "1.5s", "500us", "1h2m3s"); units are h, m, s,
//   ms, us (also "µs"). A bare number ("30", "0.5") means seconds. Surrounding spaces are
//   ignored. The result is rounded to the nearest microsecond.
// - Negative, empty, unit-less-with-groups ("1m30"), unknown units and values beyond
//   ~292,000 years are rejected with std::invalid_argument whose what() names the text
//   and shows valid examples.
// - format_duration renders a duration the way a person would write it ("1m30s",
//   "1.5s", "250ms", "120us", "2h5m"); parse_duration(format_duration(d)) == d for
//   durations with at most millisecond precision above one second.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>

namespace ragscale {

// Throws std::invalid_argument on bad input.
std::chrono::microseconds parse_duration(std::string_view text);

// Same rules; returns nullopt and fills *error (if given) instead of throwing.
std::optional<std::chrono::microseconds> try_parse_duration(std::string_view text,
                                                            std::string* error = nullptr);

std::string format_duration(std::chrono::microseconds duration);

}  // namespace ragscale
