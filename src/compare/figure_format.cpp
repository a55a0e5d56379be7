// The figure formatting shared by the text, markdown and JSON renderings (comparison_outputs.h).
#include <cmath>
#include <cstdio>

#include "compare/comparison_outputs.h"
#include "load/output/number_format.h"

namespace ragscale::compare {
namespace {

std::string signed_number(double value, const char* suffix) {
  char text[64];
  std::snprintf(text, sizeof text, "%+.1f%s", std::abs(value) < 0.05 ? 0.0 : value, suffix);
  return text;
}

}  // namespace

std::string format_value(const Figure& figure, double value) {
  switch (figure.unit) {
    case Unit::kMicroseconds: return output::format_ms(value) + " ms";
    case Unit::kPerSecond: return output::format_decimal(value, 1) + "/s";
    case Unit::kRatio: return output::format_decimal(value * 100, 2) + "%";
  }
  return "";
}

std::string format_delta(const Figure& figure) {
  if (figure.change_in_points) return signed_number((figure.now - figure.base) * 100, " pp");
  return figure.delta_pct ? signed_number(*figure.delta_pct, "%") : "n/a";
}

std::string format_change(const Figure& figure) {
  if (!figure.change) return "n/a";
  const char* suffix = figure.change_in_points ? " pp" : "%";
  return "[" + signed_number(figure.change->low, suffix) + ", " + signed_number(figure.change->high, suffix) + "]";
}

std::string verdict_line(const Comparison& comparison) {
  const auto worse = comparison.regressions();
  const std::string limit = output::format_decimal(comparison.settings.max_regression_pct, 2) + "%";
  if (worse.empty()) return "verdict: no regression beyond " + limit;
  std::string line = "verdict: REGRESSION: " + std::to_string(worse.size()) + " figure" +
                     (worse.size() == 1 ? "" : "s") + " worse than the base beyond " + limit + ":";
  for (size_t i = 0; i < worse.size(); ++i) {
    const auto& [name, figure] = worse[i];
    line += (i == 0 ? " " : ", ") + (name->aggregate ? name->name : name->method + " " + name->name) + " " +
            figure->label + " " + format_delta(*figure);
  }
  return line;
}

}  // namespace ragscale::compare
