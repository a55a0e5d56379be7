// write_comparison_text (comparison_outputs.h): the terminal rendering.
#include <algorithm>
#include <iomanip>

#include "compare/comparison_outputs.h"
#include "load/output/number_format.h"

namespace ragscale::compare {
namespace {

std::string describe_run(const RunLabel& run) {
  return run.file + " (" + std::to_string(run.requests) + " requests, " + output::format_decimal(run.duration_s, 1) +
         " s)";
}

}  // namespace

void write_comparison_text(std::ostream& out, const Comparison& comparison) {
  out << "base: " << describe_run(comparison.base) << "\nnew:  " << describe_run(comparison.now) << "\n"
      << "target: " << comparison.base.host << "; limit: "
      << output::format_decimal(comparison.settings.max_regression_pct, 2) << "% worse; intervals at "
      << output::format_decimal(comparison.settings.confidence * 100, 1) << "% confidence\n";
  for (const NameComparison& name : comparison.names) {
    out << "\n" << (name.aggregate ? name.name : name.method + " " + name.name) << "\n";
    out << "  " << std::left << std::setw(18) << "figure" << std::right << std::setw(14) << "base" << std::setw(14)
        << "new" << std::setw(10) << "change" << "  " << std::left << std::setw(22) << "interval of change"
        << "verdict\n";
    for (const Figure& figure : name.figures) {
      out << "  " << std::left << std::setw(18) << figure.label << std::right << std::setw(14)
          << format_value(figure, figure.base) << std::setw(14) << format_value(figure, figure.now) << std::setw(10)
          << format_delta(figure) << "  " << std::left << std::setw(22) << format_change(figure)
          << verdict_name(figure.verdict) << "\n";
    }
  }
  for (const std::string& name : comparison.only_in_base) out << "\nonly in base (not compared): " << name;
  for (const std::string& name : comparison.only_in_new) out << "\nonly in new (not compared): " << name;
  if (!comparison.only_in_base.empty() || !comparison.only_in_new.empty()) out << "\n";
  out << "\n" << verdict_line(comparison) << "\n";
}

}  // namespace ragscale::compare
