#include "load/segment/start_time.h"

#include <chrono>
#include <cstdio>
#include <cmath>
#include <ctime>
#include <stdexcept>
#include <string>
#include <thread>

#include "common/duration.h"

namespace ragscale::load {

namespace {

constexpr const char* kExample = "write RFC 3339 like 2026-12-02T15:00:00Z or a delay like +30s";

[[noreturn]] void bad(const std::string& why) { throw std::invalid_argument(why + "; " + kExample); }

int digits(std::string_view text, size_t at, size_t count) {
  if (at + count > text.size()) bad("the time is cut short");
  int value = 0;
  for (size_t i = at; i < at + count; ++i) {
    if (text[i] < '0' || text[i] > '9') bad("'" + std::string(1, text[i]) + "' where a digit belongs");
    value = value * 10 + (text[i] - '0');
  }
  return value;
}

void expect(std::string_view text, size_t at, std::string_view allowed) {
  if (at >= text.size() || allowed.find(text[at]) == std::string_view::npos) {
    bad("expected '" + std::string(1, allowed[0]) + "' at character " + std::to_string(at + 1));
  }
}

// Days from 1970-01-01 to a civil date (proleptic Gregorian), as in H. Hinnant's algorithm.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day) {
  year -= month <= 2;
  const int64_t era = (year >= 0 ? year : year - 399) / 400;
  const unsigned year_of_era = static_cast<unsigned>(year - era * 400);
  const unsigned day_of_year = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1;
  const unsigned day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
  return era * 146097 + static_cast<int64_t>(day_of_era) - 719468;
}

double parse_rfc3339(std::string_view text) {
  const int year = digits(text, 0, 4);
  expect(text, 4, "-");
  const int month = digits(text, 5, 2);
  expect(text, 7, "-");
  const int day = digits(text, 8, 2);
  expect(text, 10, "Tt ");
  const int hour = digits(text, 11, 2);
  expect(text, 13, ":");
  const int minute = digits(text, 14, 2);
  expect(text, 16, ":");
  const int second = digits(text, 17, 2);
  if (month < 1 || month > 12 || day < 1 || day > 31 || hour > 23 || minute > 59 || second > 60) {
    bad("a field is out of range");
  }
  size_t at = 19;
  double fraction = 0;
  if (at < text.size() && text[at] == '.') {
    double scale = 0.1;
    ++at;
    if (at >= text.size() || text[at] < '0' || text[at] > '9') bad("no digits after the decimal point");
    while (at < text.size() && text[at] >= '0' && text[at] <= '9') {
      fraction += (text[at] - '0') * scale;
      scale /= 10;
      ++at;
    }
  }
  if (at >= text.size()) bad("the time zone is missing (Z for UTC, or +HH:MM)");
  int offset_seconds = 0;
  if (text[at] == 'Z' || text[at] == 'z') {
    ++at;
  } else {
    expect(text, at, "+-");
    const int sign = text[at] == '-' ? -1 : 1;
    const int offset_hours = digits(text, at + 1, 2);
    expect(text, at + 3, ":");
    const int offset_minutes = digits(text, at + 4, 2);
    offset_seconds = sign * (offset_hours * 3600 + offset_minutes * 60);
    at += 6;
  }
  if (at != text.size()) bad("unexpected '" + std::string(text.substr(at)) + "' after the time zone");
  const int64_t days = days_from_civil(year, static_cast<unsigned>(month), static_cast<unsigned>(day));
  return static_cast<double>(days * 86400 + hour * 3600 + minute * 60 + second - offset_seconds) + fraction;
}

}  // namespace

double unix_time_now() {
  return std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch()).count();
}

double parse_start_time(std::string_view text, double now) {
  if (text.empty()) bad("the time is empty");
  double start = 0;
  if (text.front() == '+') {
    std::string why;
    auto delay = try_parse_duration(text.substr(1), &why);
    if (!delay) bad(why);
    start = now + std::chrono::duration<double>(*delay).count();
  } else {
    start = parse_rfc3339(text);
  }
  // A start a day away is a typo (a wrong date or time zone), not a plan.
  if (start - now > 86400) bad("it is more than a day away (check the date and the time zone)");
  return start;
}

std::string format_rfc3339(double unix_seconds) {
  const double whole = std::floor(unix_seconds);
  const std::time_t seconds = static_cast<std::time_t>(whole);
  int milliseconds = static_cast<int>(std::lround((unix_seconds - whole) * 1000));
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  if (milliseconds == 1000) milliseconds = 999;  // keep the rounding inside the second
  char text[96];
  std::snprintf(text, sizeof text, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900, utc.tm_mon + 1,
                utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec, milliseconds);
  return text;
}

double wait_until(double start, const std::function<bool()>& stop) {
  for (;;) {
    const double now = unix_time_now();
    if (now >= start) return now - start;
    if (stop && stop()) return now - start;
    std::this_thread::sleep_for(std::chrono::duration<double>(std::min(0.05, start - now)));
  }
}

}  // namespace ragscale::load
