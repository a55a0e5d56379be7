// The scraped metrics the HTML report charts first when a run recorded them: the ones that
// say whether the generator, the service or the model was the limit (CPU, memory, the
// queues and in-flight counts that fill when a stage saturates, the cache's hits and misses,
// the service's own p95). ragscale serve, ragscale sim and the generator expose them;
// process_* are the standard names of every Prometheus client library.
//
// Contract: most telling first. A chart of several metrics draws each as one line (its label
// sets summed); a chart of one metric draws it as target_charts.h says.
#pragma once

#include <string_view>
#include <vector>

namespace ragscale::report {

struct KnownChart {
  std::string_view title;
  std::vector<std::string_view> metrics;  // series key name parts, e.g. "name:p95"
};

const std::vector<KnownChart>& known_target_charts();

}  // namespace ragscale::report
