// AtomicHistogram: a Prometheus histogram of seconds that any thread may observe into
// without a lock (a few relaxed atomic adds), for figures recorded on a hot path such as
// a worker pool's queue wait; rendered in the text format (0.0.4) at scrape time.
//
// Contract: the bucket bounds are fixed at construction, ascending, and must outlive the
// histogram (a static array). render() writes name_bucket{labels,le="..."} cumulatively,
// +Inf last, then name_sum and name_count (no HELP/TYPE lines: a caller with several label
// sets writes them once). A render that runs during observations may see a count one
// observation ahead of a bucket; a scrape later is consistent again.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace ragscale::metrics {

// The bounds of serve's latency histograms: 0.5 ms to 10 s.
inline constexpr std::array<double, 14> kLatencyBuckets = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                                           0.1,    0.25,  0.5,    1.0,   2.5,   5.0,  10.0};

class AtomicHistogram {
 public:
  explicit AtomicHistogram(std::span<const double> bounds = kLatencyBuckets);

  void observe(double seconds);
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }
  void render(std::string& out, std::string_view name, std::string_view labels = {}) const;

 private:
  std::span<const double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // per bucket, not cumulative
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0};
};

}  // namespace ragscale::metrics
