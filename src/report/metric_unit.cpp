#include "report/metric_unit.h"

namespace ragscale::report {
namespace {

bool ends_with(std::string_view text, std::string_view tail) {
  return text.size() >= tail.size() && text.substr(text.size() - tail.size()) == tail;
}

// "name:p95" -> ":p95"; "" for a plain name.
std::string_view derived_suffix(std::string_view metric) {
  const size_t colon = metric.rfind(':');
  return colon == std::string_view::npos ? std::string_view{} : metric.substr(colon);
}

bool is_percentile_suffix(std::string_view suffix) {
  return suffix.size() >= 3 && suffix.substr(0, 2) == ":p" &&
         suffix.find_first_not_of("0123456789", 2) == std::string_view::npos;
}

}  // namespace

MetricUnit unit_of(std::string_view metric) {
  const std::string_view suffix = derived_suffix(metric);
  const std::string_view name = metric.substr(0, metric.size() - suffix.size());
  if (name.find("cpu_seconds_total") != std::string_view::npos || ends_with(name, "_cpu_cores")) {
    return {"CPU cores", 1};
  }
  if (suffix == ":rate" || ends_with(name, "_total")) return {"/s", 1};
  if (ends_with(name, "_bytes")) return {"MiB", 1.0 / (1024 * 1024)};
  if (ends_with(name, "_seconds") && (suffix.empty() || is_percentile_suffix(suffix))) return {"ms", 1000};
  return {"", 1};
}

bool is_percentile(std::string_view series_key) {
  const std::string_view metric = series_key.substr(0, series_key.find('{'));
  return is_percentile_suffix(derived_suffix(metric)) || series_key.find("quantile=\"") != std::string_view::npos;
}

}  // namespace ragscale::report
