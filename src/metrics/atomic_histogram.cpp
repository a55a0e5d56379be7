#include "metrics/atomic_histogram.h"

#include <algorithm>
#include <cstdio>

namespace ragscale::metrics {
namespace {

std::string formatted(const char* format, double value) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, format, value);
  return buffer;
}

}  // namespace

AtomicHistogram::AtomicHistogram(std::span<const double> bounds)
    : bounds_(bounds), buckets_(std::make_unique<std::atomic<uint64_t>[]>(bounds.size())) {}

void AtomicHistogram::observe(double seconds) {
  const size_t bucket = size_t(std::lower_bound(bounds_.begin(), bounds_.end(), seconds) - bounds_.begin());
  if (bucket < bounds_.size()) buckets_[bucket].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  sum_.fetch_add(seconds, std::memory_order_relaxed);
}

void AtomicHistogram::render(std::string& out, std::string_view name, std::string_view labels) const {
  const std::string prefix = std::string(name) + "_bucket{" + std::string(labels) + (labels.empty() ? "" : ",") + "le=\"";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < bounds_.size(); ++i) {
    cumulative += buckets_[i].load(std::memory_order_relaxed);
    out += prefix + formatted("%.6g", bounds_[i]) + "\"} " + std::to_string(cumulative) + "\n";
  }
  const std::string count = std::to_string(std::max(cumulative, this->count()));
  const std::string suffix = labels.empty() ? std::string() : "{" + std::string(labels) + "}";
  out += prefix + "+Inf\"} " + count + "\n";
  out += std::string(name) + "_sum" + suffix + " " + formatted("%.9g", sum()) + "\n";
  out += std::string(name) + "_count" + suffix + " " + count + "\n";
}

}  // namespace ragscale::metrics
