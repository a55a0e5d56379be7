#include "common/duration.h"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <stdexcept>

namespace ragscale {
namespace {

constexpr std::string_view kHowTo = "use a number with a unit, e.g. 500ms, 10s, 2m, 1h";

std::string bad_duration(std::string_view text, std::string_view detail = {}) {
  std::string message = "bad duration '" + std::string(text) + "': ";
  if (!detail.empty()) {
    message += detail;
    message += "; ";
  }
  message += kHowTo;
  return message;
}

bool is_digit(char c) { return c >= '0' && c <= '9'; }

// Microseconds per unit, or 0 for an unknown unit.
double unit_microseconds(std::string_view unit) {
  if (unit == "h") return 3600e6;
  if (unit == "m") return 60e6;
  if (unit == "s") return 1e6;
  if (unit == "ms") return 1e3;
  if (unit == "us" || unit == "\xC2\xB5s") return 1;
  return 0;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

}  // namespace

std::optional<std::chrono::microseconds> try_parse_duration(std::string_view original,
                                                            std::string* error) {
  auto fail = [&](std::string_view detail) -> std::optional<std::chrono::microseconds> {
    if (error) *error = bad_duration(original, detail);
    return std::nullopt;
  };
  std::string_view text = trim(original);
  if (text.empty()) return fail("it is empty");
  if (text.front() == '-') return fail("it is negative");

  // Largest representable value with margin, so the int64 conversion is always defined.
  constexpr double kMaxMicroseconds = 9.0e18;
  double total = 0;
  size_t groups = 0;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t number_start = pos;
    while (pos < text.size() && is_digit(text[pos])) ++pos;
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && is_digit(text[pos])) ++pos;
    }
    std::string_view number = text.substr(number_start, pos - number_start);
    if (number.empty() || number == ".") return fail("expected a number");
    size_t unit_start = pos;
    while (pos < text.size() && !is_digit(text[pos]) && text[pos] != '.') ++pos;
    std::string_view unit = text.substr(unit_start, pos - unit_start);
    double value = std::strtod(std::string(number).c_str(), nullptr);
    if (unit.empty()) {
      // A bare number means seconds, but only when it is the whole text.
      if (groups > 0) return fail(std::string(number).append(" has no unit"));
      if (pos != text.size()) return fail(std::string("expected a unit after ").append(number));
      total = value * 1e6;
      groups = 1;
      break;
    }
    double per_unit = unit_microseconds(unit);
    if (per_unit == 0) return fail(std::string("unknown unit '").append(unit).append("' (units: h, m, s, ms, us)"));
    total += value * per_unit;
    ++groups;
  }
  if (!std::isfinite(total) || total > kMaxMicroseconds) return fail("it is too large");
  return std::chrono::microseconds(static_cast<int64_t>(std::llround(total)));
}

std::chrono::microseconds parse_duration(std::string_view text) {
  std::string error;
  auto parsed = try_parse_duration(text, &error);
  if (!parsed) throw std::invalid_argument(error);
  return *parsed;
}

std::string format_duration(std::chrono::microseconds duration) {
  int64_t us = duration.count();
  std::string sign;
  if (us < 0) {
    sign = "-";
    us = -us;
  }
  char buffer[64];
  constexpr int64_t kMs = 1000, kS = 1000 * kMs, kM = 60 * kS, kH = 60 * kM;
  if (us >= kM) {
    // Whole minutes and hours read best as groups; sub-second detail is noise here.
    int64_t hours = us / kH, minutes = us % kH / kM;
    double seconds = static_cast<double>(us % kM) / kS;
    std::string out = sign;
    if (hours) out += std::to_string(hours) + "h";
    if (minutes) out += std::to_string(minutes) + "m";
    if (seconds >= 0.0005) {
      std::snprintf(buffer, sizeof buffer, "%.3f", seconds);
      std::string text = buffer;
      while (text.back() == '0') text.pop_back();
      if (text.back() == '.') text.pop_back();
      out += text + "s";
    }
    return out;
  }
  auto with_unit = [&](double value, const char* unit) {
    std::snprintf(buffer, sizeof buffer, "%.3f", value);
    std::string text = buffer;
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
    return sign + text + unit;
  };
  if (us >= kS) return with_unit(static_cast<double>(us) / kS, "s");
  if (us >= kMs) return with_unit(static_cast<double>(us) / kMs, "ms");
  return sign + std::to_string(us) + "us";
}

}  // namespace ragscale
