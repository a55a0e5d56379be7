#include "plan/traffic_trace.h"

#include <charconv>
#include <cmath>
#include <numbers>
#include <stdexcept>

#include "common/duration.h"
#include "load/output/json_summary.h"

namespace ragscale::plan {
namespace {

constexpr double kMaxTraceSeconds = 31 * 24 * 3600.0;  // a month of seconds at most

double parse_rate(std::string_view text, std::string_view whole, std::string_view form) {
  double value = 0;
  auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (ec != std::errc() || end != text.data() + text.size() || !(value >= 0) || !std::isfinite(value)) {
    throw std::invalid_argument("'" + std::string(whole) + "': '" + std::string(text) +
                                "' is not a rate of 0 or more requests/s; write " + std::string(form));
  }
  return value;
}

double parse_seconds(std::string_view text, std::string_view whole, std::string_view form) {
  auto duration = try_parse_duration(text);
  if (!duration) {
    throw std::invalid_argument("'" + std::string(whole) + "': '" + std::string(text) +
                                "' is not a duration (30s, 10m, 1h); write " + std::string(form));
  }
  return std::chrono::duration<double>(*duration).count();
}

void check_length(double seconds, std::string_view what) {
  if (seconds > kMaxTraceSeconds) {
    throw std::invalid_argument(std::string(what) + " is longer than 31 days; shorten it");
  }
}

}  // namespace

std::vector<double> trace_from_stages(const std::vector<std::string>& stages) {
  constexpr std::string_view kForm = "DUR:RATE, e.g. 10m:200";
  std::vector<double> demand;
  double rate = 0;
  double total = 0;
  for (const auto& stage : stages) {
    const size_t colon = stage.find(':');
    if (colon == std::string::npos) throw std::invalid_argument("'" + stage + "' is not a stage; write " + std::string(kForm));
    const double seconds = parse_seconds(std::string_view(stage).substr(0, colon), stage, kForm);
    const double to = parse_rate(std::string_view(stage).substr(colon + 1), stage, kForm);
    total += seconds;
    check_length(total, "the trace");
    const auto count = static_cast<size_t>(std::llround(seconds));
    for (size_t s = 0; s < count; ++s) demand.push_back(rate + (to - rate) * (static_cast<double>(s) + 1) / count);
    rate = to;
  }
  if (demand.empty()) throw std::invalid_argument("the trace's stages last 0 s; give at least one DUR:RATE of 1s or more");
  return demand;
}

std::vector<double> trace_from_diurnal(std::string_view text) {
  constexpr std::string_view kForm = "MIN..MAX/PERIOD, e.g. 100..2000/24h";
  const size_t dots = text.find("..");
  const size_t slash = text.find('/');
  if (dots == std::string_view::npos || slash == std::string_view::npos || slash < dots) {
    throw std::invalid_argument("'" + std::string(text) + "' is not a daily curve; write " + std::string(kForm));
  }
  const double low = parse_rate(text.substr(0, dots), text, kForm);
  const double high = parse_rate(text.substr(dots + 2, slash - dots - 2), text, kForm);
  const double period = parse_seconds(text.substr(slash + 1), text, kForm);
  if (high < low) throw std::invalid_argument("'" + std::string(text) + "': MAX is below MIN");
  if (period < 1) throw std::invalid_argument("'" + std::string(text) + "': the period must be 1s or more");
  check_length(period, "the period");
  std::vector<double> demand(static_cast<size_t>(std::llround(period)));
  for (size_t s = 0; s < demand.size(); ++s) {
    demand[s] = low + (high - low) * (1 - std::cos(2 * std::numbers::pi * static_cast<double>(s) / period)) / 2;
  }
  return demand;
}

std::vector<double> trace_from_run(const std::string& summary_path, double scale) {
  if (!(scale > 0)) throw std::invalid_argument("the trace's scale must be above 0");
  const output::RunSummary summary = output::read_json_summary(summary_path);
  std::vector<double> demand;
  for (const auto& row : summary.stats.history()) demand.push_back(static_cast<double>(row.aggregate.requests) * scale);
  if (demand.empty()) throw std::invalid_argument(summary_path + " has no per-second history to replay");
  return demand;
}

}  // namespace ragscale::plan
