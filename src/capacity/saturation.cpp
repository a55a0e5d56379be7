#include "capacity/saturation.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ragscale::capacity {

namespace {

constexpr size_t kRecentSeconds = 3;
constexpr double kFirstTrendSecond = 2.0;  // the first second holds connection set-up
constexpr size_t kTrendMinPoints = 5;
constexpr double kTrendZ = 2.326;  // one-sided p < 0.01
// "Maybe rising" only extends a passing step, so it may err on the side of looking again:
// p < 0.05 and from the first second on, so that even a short step can be extended.
constexpr double kRisingZ = 1.645;
constexpr size_t kRisingMinPoints = 4;

std::string format(const char* pattern, double a, double b, double c = 0) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, pattern, a, b, c);
  return buffer;
}

// Mann-Kendall: the z score of S = sum over pairs of sign(later - earlier), with the
// continuity correction and the no-ties variance (ties only make it more conservative).
double mann_kendall_z(const std::vector<double>& values) {
  const size_t n = values.size();
  double s = 0;
  for (size_t i = 0; i < n; ++i) {
    for (size_t j = i + 1; j < n; ++j) s += (values[j] > values[i]) - (values[j] < values[i]);
  }
  const double nd = static_cast<double>(n);
  const double variance = nd * (nd - 1) * (2 * nd + 5) / 18.0;
  if (variance <= 0 || s <= 0) return 0;
  return (s - 1) / std::sqrt(variance);
}

double mean_of(std::vector<double>::const_iterator begin, std::vector<double>::const_iterator end) {
  double sum = 0;
  for (auto it = begin; it != end; ++it) sum += *it;
  return begin == end ? 0 : sum / static_cast<double>(end - begin);
}

}  // namespace

std::optional<std::string> SaturationDetector::observe(const SecondObservation& observation) {
  if (reason_) return reason_;
  seconds_.push_back(observation);
  reason_ = judge();
  return reason_;
}

std::vector<double> SaturationDetector::trend_points(double from_second) const {
  std::vector<double> in_flight;
  for (const SecondObservation& second : seconds_) {
    if (second.elapsed_seconds >= from_second) in_flight.push_back(static_cast<double>(second.in_flight));
  }
  return in_flight;
}

bool SaturationDetector::rising() const {
  const std::vector<double> in_flight = trend_points(1.0);
  return in_flight.size() >= kRisingMinPoints && mann_kendall_z(in_flight) > kRisingZ;
}

std::optional<std::string> SaturationDetector::judge() const {
  const SecondObservation& now = seconds_.back();
  if (now.dropped > 0) {
    return format("%.0f arrivals dropped: every virtual user busy and the backlog full (after %.0f s)",
                  static_cast<double>(now.dropped), now.elapsed_seconds);
  }
  if (seconds_.size() > kRecentSeconds) {
    const SecondObservation& then = seconds_[seconds_.size() - 1 - kRecentSeconds];
    const double span = now.elapsed_seconds - then.elapsed_seconds;
    const double offered = offered_rate_ * span;
    if (offered >= 10) {
      const double achieved = static_cast<double>(now.iterations - then.iterations);
      if (achieved < 0.5 * offered) {
        return format("achieved %.1f it/s of %.1f offered over the last %.0f s", achieved / span, offered_rate_,
                      span);
      }
      const double late = static_cast<double>(now.late - then.late);
      if (late > 0.5 * offered) {
        return format("%.0f%% of arrivals started late over the last %.0f s (a growing backlog, or this machine "
                      "cannot keep up)",
                      100.0 * late / offered, span);
      }
    }
  }
  const std::vector<double> in_flight = trend_points(kFirstTrendSecond);
  if (in_flight.size() >= kTrendMinPoints) {
    const auto early_end = in_flight.begin() + static_cast<long>(kRecentSeconds);
    const double early = mean_of(in_flight.begin(), early_end);
    const double late = mean_of(in_flight.end() - static_cast<long>(kRecentSeconds), in_flight.end());
    if (late - early >= std::max(4.0, 0.5 * early) && mann_kendall_z(in_flight) > kTrendZ) {
      return format("in flight rose from %.0f to %.0f over %.0f s: arrivals outpace answers, latency grows without "
                    "bound",
                    early, late, now.elapsed_seconds);
    }
  }
  return std::nullopt;
}

}  // namespace ragscale::capacity
