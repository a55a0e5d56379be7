#include "common/flag_values.h"

#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

#include "common/duration.h"

namespace ragscale {
namespace {

bool read_double(std::string_view text, double& value) {
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  return !text.empty() && ec == std::errc() && end == text.data() + text.size() && std::isfinite(value);
}

}  // namespace

void throw_flag_error(std::string_view command, std::string_view flag, std::string_view message) {
  throw std::invalid_argument(std::string(command) + ": " + std::string(flag) + ": " + std::string(message));
}

double parse_flag_number(std::string_view command, std::string_view flag, std::string_view text, double min_value) {
  double value = 0;
  if (!read_double(text, value)) throw_flag_error(command, flag, "'" + std::string(text) + "' is not a number");
  if (value < min_value) {
    throw_flag_error(command, flag, "must be at least " + std::to_string(static_cast<long long>(min_value)));
  }
  return value;
}

uint64_t parse_flag_count(std::string_view command, std::string_view flag, std::string_view text) {
  uint64_t value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size()) {
    throw_flag_error(command, flag, "'" + std::string(text) + "' is not a whole number");
  }
  return value;
}

std::chrono::microseconds parse_flag_duration(std::string_view command, std::string_view flag, std::string_view text) {
  std::string error;
  auto value = try_parse_duration(text, &error);
  if (!value) throw_flag_error(command, flag, error);
  return *value;
}

double parse_flag_percent(std::string_view command, std::string_view flag, std::string_view text) {
  const bool percent_sign = !text.empty() && text.back() == '%';
  double value = 0;
  if (!read_double(percent_sign ? text.substr(0, text.size() - 1) : text, value) || value < 0) {
    throw_flag_error(command, flag, "'" + std::string(text) + "' is not a percentage of 0 or more (e.g. 20%)");
  }
  return percent_sign || value > 1 ? value / 100 : value;
}

}  // namespace ragscale
