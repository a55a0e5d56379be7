#include "load/output/report_order.h"

#include <algorithm>
#include <numeric>
#include <tuple>

namespace ragscale::output {

std::vector<size_t> endpoints_in_report_order(const RunStats& stats) {
  std::vector<size_t> order(stats.endpoints().size());
  std::iota(order.begin(), order.end(), size_t{0});
  const auto& endpoints = stats.endpoints();
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) {
    return std::tie(endpoints[a].name(), endpoints[a].method()) < std::tie(endpoints[b].name(), endpoints[b].method());
  });
  return order;
}

std::vector<const ErrorRecord*> errors_in_report_order(const RunStats& stats) {
  std::vector<const ErrorRecord*> order;
  for (const ErrorRecord& error : stats.errors()) order.push_back(&error);
  std::sort(order.begin(), order.end(), [](const ErrorRecord* a, const ErrorRecord* b) {
    if (a->occurrences != b->occurrences) return a->occurrences > b->occurrences;
    return std::tie(a->name, a->method, a->message) < std::tie(b->name, b->method, b->message);
  });
  return order;
}

}  // namespace ragscale::output
