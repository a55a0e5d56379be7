#include "sim/distribution.h"

#include <cmath>
#include <cstdlib>
#include <stdexcept>
#include <vector>

#include "common/duration.h"

namespace ragscale::sim {

double Random::standard_normal() {
  // Box-Muller; 1 - unit() lies in (0, 1], so the logarithm is finite.
  double radius = std::sqrt(-2.0 * std::log(1.0 - unit()));
  return radius * std::cos(2.0 * M_PI * unit());
}

Distribution Distribution::constant(double value) { return Distribution(DistributionKind::kConstant, value, 0); }

Distribution Distribution::uniform(double low, double high) {
  if (high < low) std::swap(low, high);
  return Distribution(DistributionKind::kUniform, low, high);
}

Distribution Distribution::normal(double mean, double stddev) {
  return Distribution(DistributionKind::kNormal, mean, stddev);
}

Distribution Distribution::lognormal(double mean, double stddev) {
  Distribution d(DistributionKind::kLognormal, mean, stddev);
  if (mean > 0) {
    double variance_ratio = (stddev * stddev) / (mean * mean);
    d.log_sigma_ = std::sqrt(std::log1p(variance_ratio));
    d.log_mu_ = std::log(mean) - d.log_sigma_ * d.log_sigma_ / 2;
  }
  return d;
}

double Distribution::sample(Random& random) const {
  switch (kind_) {
    case DistributionKind::kConstant: return first_;
    case DistributionKind::kUniform: return first_ + (second_ - first_) * random.unit();
    case DistributionKind::kNormal: return std::max(0.0, first_ + second_ * random.standard_normal());
    case DistributionKind::kLognormal:
      if (first_ <= 0) return 0;
      return std::exp(log_mu_ + log_sigma_ * random.standard_normal());
  }
  return first_;
}

double Distribution::mean() const {
  return kind_ == DistributionKind::kUniform ? (first_ + second_) / 2 : first_;
}

namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

[[noreturn]] void reject(std::string_view text, DistributionUnit unit, const std::string& why) {
  const char* examples = unit == DistributionUnit::kDuration
                             ? "300ms, uniform(200ms, 400ms), normal(300ms, 50ms) or lognormal(300ms, 100ms)"
                             : "100, uniform(50, 200), normal(120, 30) or lognormal(120, 60)";
  throw std::invalid_argument("'" + std::string(text) + "' is not a distribution (" + why + "); write e.g. " +
                              examples);
}

double parse_value(std::string_view whole, std::string_view text, DistributionUnit unit) {
  text = trim(text);
  if (unit == DistributionUnit::kDuration) {
    std::string error;
    auto duration = try_parse_duration(text, &error);
    if (!duration) reject(whole, unit, error);
    return static_cast<double>(duration->count());
  }
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size() || !std::isfinite(value)) {
    reject(whole, unit, "'" + copy + "' is not a number");
  }
  if (value < 0) reject(whole, unit, "values cannot be negative");
  return value;
}

std::string format_value(double value, DistributionUnit unit) {
  if (unit == DistributionUnit::kDuration) {
    return format_duration(std::chrono::microseconds(static_cast<int64_t>(std::llround(value))));
  }
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%g", value);
  return buffer;
}

}  // namespace

Distribution parse_distribution(std::string_view text, DistributionUnit unit) {
  std::string_view body = trim(text);
  if (body.empty()) reject(text, unit, "it is empty");
  size_t open = body.find('(');
  if (open == std::string_view::npos) return Distribution::constant(parse_value(text, body, unit));
  if (body.back() != ')') reject(text, unit, "missing ')'");
  std::string_view name = trim(body.substr(0, open));
  std::string_view inside = body.substr(open + 1, body.size() - open - 2);
  std::vector<double> values;
  size_t start = 0;
  for (;;) {
    size_t comma = inside.find(',', start);
    values.push_back(parse_value(text, inside.substr(start, comma == std::string_view::npos ? comma : comma - start), unit));
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  auto expect = [&](size_t count) {
    if (values.size() != count) {
      reject(text, unit, std::string(name) + " takes " + std::to_string(count) + (count == 1 ? " value" : " values"));
    }
  };
  if (name == "constant") {
    expect(1);
    return Distribution::constant(values[0]);
  }
  if (name == "uniform") {
    expect(2);
    return Distribution::uniform(values[0], values[1]);
  }
  if (name == "normal") {
    expect(2);
    return Distribution::normal(values[0], values[1]);
  }
  if (name == "lognormal") {
    expect(2);
    return Distribution::lognormal(values[0], values[1]);
  }
  reject(text, unit, "unknown kind '" + std::string(name) + "'");
}

std::string format_distribution(const Distribution& distribution, DistributionUnit unit) {
  std::string first = format_value(distribution.first(), unit);
  std::string second = format_value(distribution.second(), unit);
  switch (distribution.kind()) {
    case DistributionKind::kConstant: return first;
    case DistributionKind::kUniform: return "uniform(" + first + ", " + second + ")";
    case DistributionKind::kNormal: return "normal(" + first + ", " + second + ")";
    case DistributionKind::kLognormal: return "lognormal(" + first + ", " + second + ")";
  }
  return first;
}

}  // namespace ragscale::sim
