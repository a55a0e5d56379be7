#include "compare/percentile_change.h"

#include <algorithm>
#include <cmath>
#include <random>

namespace ragscale::compare {

HistogramQuantiles::HistogramQuantiles(const LatencyHistogram& histogram)
    : count_(histogram.count()), min_(histogram.min()), max_(histogram.max()) {
  uint64_t running = 0;
  histogram.for_each_nonzero([&](uint64_t value_us, uint64_t count) {
    running += count;
    cumulative_.emplace_back(value_us, running);
  });
}

uint64_t HistogramQuantiles::at(double percent) const {
  if (count_ == 0) return 0;
  percent = std::clamp(percent, 0.0, 100.0);
  // The same rank LatencyHistogram::percentile() uses: the ceil(p% of n)-th value, at least 1.
  const double exact = percent / 100.0 * double(count_);
  const uint64_t rank = std::clamp<uint64_t>(uint64_t(std::ceil(exact - 1e-9 * exact)), 1, count_);
  auto bucket = std::lower_bound(cumulative_.begin(), cumulative_.end(), rank,
                                 [](const auto& entry, uint64_t wanted) { return entry.second < wanted; });
  if (bucket == cumulative_.end()) return max_;
  return std::clamp(bucket->first, min_, max_);
}

namespace {

// The quantile rank of a bootstrap replicate: the (q * n)-th of n draws is at Beta(q n, (1-q) n),
// both parameters kept above 0 so the extreme percentiles stay defined.
class RankDraw {
 public:
  RankDraw(double quantile, double effective_n)
      : a_(std::max(quantile * (effective_n + 1), 0.5)), b_(std::max((1 - quantile) * (effective_n + 1), 0.5)) {}
  double operator()(std::mt19937_64& random) {
    const double x = a_gamma_(random);
    const double y = b_gamma_(random);
    return x + y > 0 ? x / (x + y) : 0.5;
  }

 private:
  double a_;
  double b_;
  std::gamma_distribution<double> a_gamma_{a_, 1.0};
  std::gamma_distribution<double> b_gamma_{b_, 1.0};
};

double percentile_of(std::vector<double>& values, double quantile) {
  const size_t index = std::min(values.size() - 1, size_t(quantile * double(values.size() - 1) + 0.5));
  std::nth_element(values.begin(), values.begin() + std::ptrdiff_t(index), values.end());
  return values[index];
}

}  // namespace

std::optional<Interval> percentile_change(const LatencyHistogram& base, const RunNoise& base_noise,
                                          const LatencyHistogram& now, const RunNoise& now_noise, double percent,
                                          double confidence, uint64_t seed, int replicates) {
  if (base.empty() || now.empty() || replicates < 2) return std::nullopt;
  const HistogramQuantiles base_quantiles(base);
  const HistogramQuantiles now_quantiles(now);
  const double quantile = percent / 100.0;
  RankDraw base_rank(quantile, std::max(1.0, base_noise.independent_n));
  RankDraw now_rank(quantile, std::max(1.0, now_noise.independent_n));
  std::mt19937_64 random(seed);
  std::normal_distribution<double> level(0.0, 1.0);
  std::vector<double> changes;
  changes.reserve(size_t(replicates));
  for (int i = 0; i < replicates; ++i) {
    const double base_value =
        double(base_quantiles.at(100.0 * base_rank(random))) * std::exp(base_noise.scale_sd * level(random));
    const double now_value =
        double(now_quantiles.at(100.0 * now_rank(random))) * std::exp(now_noise.scale_sd * level(random));
    if (base_value <= 0) return std::nullopt;
    changes.push_back((now_value / base_value - 1) * 100.0);
  }
  const double tail = (1 - confidence) / 2;
  const double low = percentile_of(changes, tail);
  const double high = percentile_of(changes, 1 - tail);
  return Interval{low, high};
}

}  // namespace ragscale::compare
