#include "load/output/number_format.h"

#include <cmath>
#include <cstdio>

namespace ragscale::output {

std::string format_ms(double microseconds) {
  const double ms = microseconds > 0 ? microseconds / 1000.0 : 0.0;
  // Decide the decimals on the rounded value so 99.96 ms prints "100", not "100.0".
  int decimals = 3;
  for (int candidate = 0; candidate < 3; ++candidate) {
    const double scale = std::pow(10.0, candidate);
    if (std::round(ms * scale) / scale >= std::pow(10.0, 2 - candidate)) {
      decimals = candidate;
      break;
    }
  }
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, ms);
  return text;
}

std::string format_whole_ms(uint64_t microseconds) {
  uint64_t ms = microseconds / 1000;
  const uint64_t rest = microseconds % 1000;
  if (rest > 500 || (rest == 500 && ms % 2 == 1)) ++ms;
  return std::to_string(ms);
}

std::string format_fixed(double value, int decimals) {
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", decimals, value);
  return text;
}

std::string format_decimal(double value, int max_decimals) {
  if (!std::isfinite(value)) return "0.0";
  char text[64];
  std::snprintf(text, sizeof text, "%.*f", max_decimals, value);
  std::string result = text;
  if (result.find('.') == std::string::npos) return result + ".0";
  while (result.back() == '0') result.pop_back();
  if (result.back() == '.') result.push_back('0');
  if (result == "-0.0") result = "0.0";
  return result;
}

}  // namespace ragscale::output
