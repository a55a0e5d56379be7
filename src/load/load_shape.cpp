#include "load/load_shape.h"

#include <algorithm>
#include <cmath>

namespace ragscale::load {

StagedValue::StagedValue(double start, std::vector<Stage> stages) : start_(start), stages_(std::move(stages)) {}

double StagedValue::at(Seconds t) const {
  double from = start_;
  double elapsed = t.count();
  for (const Stage& stage : stages_) {
    double length = std::chrono::duration<double>(stage.duration).count();
    if (elapsed < length) return from + (stage.target - from) * (elapsed / length);
    elapsed -= length;
    from = stage.target;
  }
  return from;
}

Seconds StagedValue::total_duration() const {
  Seconds total{0};
  for (const Stage& stage : stages_) total += std::chrono::duration<double>(stage.duration);
  return total;
}

double StagedValue::peak() const {
  double peak = start_;
  for (const Stage& stage : stages_) peak = std::max(peak, stage.target);
  return peak;
}

std::optional<Seconds> StagedValue::time_of_cumulative(double count) const {
  double from = start_;
  double offset = 0;    // seconds before the current segment
  double consumed = 0;  // arrivals before the current segment
  auto solve_linear = [&](double rate_start, double rate_end, double length, double needed) -> std::optional<double> {
    // Arrivals within the segment after tau seconds: a*tau + b*tau^2/2 with
    // a = rate_start and b = (rate_end - rate_start) / length.
    double a = rate_start;
    double b = length > 0 ? (rate_end - rate_start) / length : 0;
    double total = a * length + b * length * length / 2;
    if (needed > total) return std::nullopt;
    if (std::abs(b) < 1e-12) return a > 0 ? std::optional<double>(needed / a) : std::nullopt;
    double discriminant = a * a + 2 * b * needed;
    if (discriminant < 0) discriminant = 0;
    return (-a + std::sqrt(discriminant)) / b;
  };
  for (const Stage& stage : stages_) {
    double length = std::chrono::duration<double>(stage.duration).count();
    double needed = count - consumed;
    if (auto tau = solve_linear(from, stage.target, length, needed)) return Seconds(offset + *tau);
    consumed += from * length + (stage.target - from) * length / 2;
    offset += length;
    from = stage.target;
  }
  if (from <= 0) return std::nullopt;
  return Seconds(offset + (count - consumed) / from);
}

StagedValue users_at_spawn_rate(double users, double spawn_rate) {
  if (spawn_rate <= 0) spawn_rate = users;  // everyone at once
  auto ramp = std::chrono::microseconds(static_cast<int64_t>(users / spawn_rate * 1e6));
  return StagedValue(0, {Stage{ramp, users}});
}

}  // namespace ragscale::load
