// Number formatting shared by the CSV, console and live outputs.
//
// Contract:
// - format_ms(us): microseconds as milliseconds with at least 3 significant digits and no more
//   decimals than microsecond resolution needs: 153 -> "0.153", 20149 -> "20.1",
//   1234567 -> "1235". Negative input is clamped to 0.
// - format_whole_ms(us): whole milliseconds, rounded to the nearest with ties to even as
//   Python's round() does (Locust's CSV columns): 1500 -> "2", 2500 -> "2", 153 -> "0".
// - format_decimal(x, max_decimals): like Python's str(float) for report values: at most
//   max_decimals decimals, trailing zeros trimmed but one decimal kept ("612.0", "12.35").
// - format_fixed(x, decimals): exactly that many decimals, for tables and messages.
#pragma once

#include <cstdint>
#include <string>

namespace ragscale::output {

std::string format_ms(double microseconds);
inline std::string format_ms(uint64_t microseconds) { return format_ms(double(microseconds)); }
std::string format_whole_ms(uint64_t microseconds);
std::string format_decimal(double value, int max_decimals = 6);
// Exactly `decimals` places, as printf's %.*f: format_fixed(0.973, 2) = "0.97".
std::string format_fixed(double value, int decimals);

}  // namespace ragscale::output
