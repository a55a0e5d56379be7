// Random timing and length distributions for the simulator, seeded for reproducible runs.
//
// Contract:
// - Random wraps std::mt19937_64, whose output sequence the C++ standard fixes, and does
//   its own uniform and normal sampling (the standard library's distributions differ
//   between implementations), so one seed gives the same samples on every platform.
// - A Distribution is constant, uniform(low, high), normal(mean, stddev) or
//   lognormal(mean, stddev) (mean and stddev of the samples themselves, not of their
//   logarithm). Samples are never negative: normal draws below zero are clamped to zero.
// - parse_distribution reads "300ms", "constant(300ms)", "uniform(200ms, 400ms)",
//   "normal(300ms, 50ms)", "lognormal(300ms, 100ms)". With DistributionUnit::kDuration the
//   values are durations (common/duration.h) held as microseconds; with kCount they are
//   plain non-negative numbers. Bad text throws std::invalid_argument naming the text and
//   showing the accepted forms. format_distribution writes the same syntax back.
#pragma once

#include <chrono>
#include <cstdint>
#include <random>
#include <string>
#include <string_view>

namespace ragscale::sim {

class Random {
 public:
  explicit Random(uint64_t seed) : engine_(seed) {}

  uint64_t next() { return engine_(); }
  // Uniform in [0, 1).
  double unit() { return static_cast<double>(engine_() >> 11) * 0x1.0p-53; }
  // Uniform integer in [0, bound); 0 when bound is 0.
  uint64_t below(uint64_t bound) {
    return static_cast<uint64_t>((static_cast<unsigned __int128>(engine_()) * bound) >> 64);
  }
  // True with probability `rate` (rate <= 0 never draws, so a disabled fault costs nothing).
  bool chance(double rate) { return rate > 0 && (rate >= 1 || unit() < rate); }
  double standard_normal();

 private:
  std::mt19937_64 engine_;
};

enum class DistributionKind { kConstant, kUniform, kNormal, kLognormal };
enum class DistributionUnit { kDuration, kCount };

class Distribution {
 public:
  Distribution() = default;
  static Distribution constant(double value);
  static Distribution uniform(double low, double high);
  static Distribution normal(double mean, double stddev);
  static Distribution lognormal(double mean, double stddev);

  double sample(Random& random) const;
  std::chrono::microseconds sample_duration(Random& random) const {
    return std::chrono::microseconds(static_cast<int64_t>(sample(random) + 0.5));
  }
  // The expected sample (before clamping, for normal).
  double mean() const;

  DistributionKind kind() const { return kind_; }
  double first() const { return first_; }    // value, low or mean
  double second() const { return second_; }  // high or stddev; 0 for constant

 private:
  Distribution(DistributionKind kind, double first, double second) : kind_(kind), first_(first), second_(second) {}

  DistributionKind kind_ = DistributionKind::kConstant;
  double first_ = 0;
  double second_ = 0;
  double log_mu_ = 0;  // lognormal parameters derived from mean and stddev
  double log_sigma_ = 0;
};

Distribution parse_distribution(std::string_view text, DistributionUnit unit);
std::string format_distribution(const Distribution& distribution, DistributionUnit unit);

}  // namespace ragscale::sim
