#include "serve/resilience/token_bucket.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <stdexcept>
#include <string>

namespace ragscale::serve::resilience {

namespace {

// Refill arithmetic in double can leave the level a few ulps under the count that
// retry_after promised; this much shortfall still counts as there. It must stay well
// below what one clock tick refills (rate * 1 ns), or a retry 1 ns early would pass.
constexpr double kEpsilon = 1e-12;
// Waits longer than this (a century) are reported as this, far from any overflow.
constexpr double kMaxWaitSeconds = 100.0 * 365 * 24 * 3600;

std::string_view trim(std::string_view text) {
  const auto first = text.find_first_not_of(" \t");
  if (first == std::string_view::npos) return {};
  const auto last = text.find_last_not_of(" \t");
  return text.substr(first, last - first + 1);
}

[[noreturn]] void bad_rate(std::string_view text, const char* why) {
  throw std::invalid_argument("invalid rate \"" + std::string(text) + "\": " + why +
                              "; expected N/UNIT or N/UNIT:burst=B, UNIT one of s, sec, second, min, "
                              "minute, h, hour (e.g. \"100/min\", \"5/s:burst=20\")");
}

// The positive finite number that is the whole of `part` (spaces aside), else 0.
double positive_number(std::string_view part) {
  part = trim(part);
  double value = 0;
  auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
  if (part.empty() || error != std::errc() || end != part.data() + part.size() || !std::isfinite(value)) return 0;
  return value > 0 ? value : 0;
}

double unit_seconds(std::string_view unit) {
  std::string lower(trim(unit));
  std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
  if (lower == "s" || lower == "sec" || lower == "second") return 1;
  if (lower == "min" || lower == "minute") return 60;
  if (lower == "h" || lower == "hour") return 3600;
  return 0;
}

}  // namespace

RateSpec parse_rate(std::string_view text) {
  const std::string_view whole = trim(text);
  const auto colon = whole.find(':');
  const std::string_view rate = whole.substr(0, colon);
  const auto slash = rate.find('/');
  if (slash == std::string_view::npos) bad_rate(text, "no '/' between the amount and the unit");
  const double amount = positive_number(rate.substr(0, slash));
  if (amount <= 0) bad_rate(text, "the amount must be a positive number");
  const double seconds = unit_seconds(rate.substr(slash + 1));
  if (seconds <= 0) bad_rate(text, "unknown unit");
  RateSpec spec{amount / seconds, std::max(amount, 1.0), amount, seconds};
  if (colon != std::string_view::npos) {
    const std::string_view option = trim(whole.substr(colon + 1));
    constexpr std::string_view kBurst = "burst=";
    if (option.substr(0, kBurst.size()) != kBurst) bad_rate(text, "the only option is burst=B");
    spec.burst = positive_number(option.substr(kBurst.size()));
    if (spec.burst < 1) bad_rate(text, "the burst must be a number >= 1");
  }
  return spec;
}

TokenBucket::TokenBucket(double rate_per_second, double burst)
    : rate_(rate_per_second), burst_(burst), level_(burst) {
  if (!(std::isfinite(rate_) && rate_ > 0) || !(std::isfinite(burst_) && burst_ > 0)) {
    throw std::invalid_argument("token bucket: rate_per_second and burst must be positive numbers");
  }
}

double TokenBucket::tokens(TimePoint now) const {
  if (!started_) return burst_;
  if (now <= updated_) return level_;
  const double elapsed = std::chrono::duration<double>(now - updated_).count();
  return std::min(burst_, level_ + elapsed * rate_);
}

bool TokenBucket::full(TimePoint now) const { return tokens(now) >= burst_ - kEpsilon; }

Clock::duration TokenBucket::time_to_gain(double tokens) const {
  if (tokens <= 0) return Clock::duration::zero();
  const double seconds = std::min(tokens / rate_, kMaxWaitSeconds);
  return std::chrono::ceil<Clock::duration>(std::chrono::duration<double>(seconds));
}

Clock::duration TokenBucket::time_to_fill() const { return time_to_gain(burst_); }

TokenBucket::Decision TokenBucket::try_take(TimePoint now, double cost) {
  if (!(cost >= 0)) throw std::invalid_argument("token bucket: cost must be >= 0");
  level_ = tokens(now);
  if (!started_ || now > updated_) updated_ = now;
  started_ = true;

  Decision decision;
  if (cost > burst_ + kEpsilon) {
    decision.too_large = true;
  } else if (level_ + kEpsilon >= cost) {
    decision.allowed = true;
    level_ = std::max(0.0, level_ - cost);
  } else {
    decision.retry_after = time_to_gain(cost - level_);
  }
  decision.remaining = level_;
  decision.reset = time_to_gain(burst_ - level_);
  return decision;
}

}  // namespace ragscale::serve::resilience
