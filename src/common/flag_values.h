// The values of command-line flags, parsed with the error a user can act on: each failure
// throws std::invalid_argument "COMMAND: FLAG: what is wrong", e.g.
// "ragscale plan: --headroom: '2O%' is not a percentage (e.g. 20%)".
//
// - parse_flag_number: a decimal number ≥ min_value.
// - parse_flag_count: a whole number ≥ 0.
// - parse_flag_duration: a duration as common/duration.h reads it ("15s", "5m", "1h30m").
// - parse_flag_percent: "20%" or "0.2"-style fractions are both accepted as 20 %, returned
//   as the fraction (0.2); a bare number above 1 ("20") is read as percent.
#pragma once

#include <chrono>
#include <cstdint>
#include <string_view>

namespace ragscale {

[[noreturn]] void throw_flag_error(std::string_view command, std::string_view flag, std::string_view message);

double parse_flag_number(std::string_view command, std::string_view flag, std::string_view text, double min_value);
uint64_t parse_flag_count(std::string_view command, std::string_view flag, std::string_view text);
std::chrono::microseconds parse_flag_duration(std::string_view command, std::string_view flag, std::string_view text);
double parse_flag_percent(std::string_view command, std::string_view flag, std::string_view text);

}  // namespace ragscale
