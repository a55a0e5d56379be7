// write_comparison_markdown (comparison_outputs.h): the CI job summary rendering.
#include "compare/comparison_outputs.h"
#include "load/output/number_format.h"

namespace ragscale::compare {
namespace {

// Names are user-chosen request names; a '|' would end the table cell.
std::string cell(const std::string& text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

}  // namespace

void write_comparison_markdown(std::ostream& out, const Comparison& comparison) {
  const bool regressed = !comparison.regressions().empty();
  out << "### ragscale compare: " << (regressed ? "regression" : "no regression") << "\n\n"
      << "**" << verdict_line(comparison) << "**\n\n"
      << "Base `" << cell(comparison.base.file) << "` (" << comparison.base.requests << " requests), new `"
      << cell(comparison.now.file) << "` (" << comparison.now.requests << " requests), target `"
      << cell(comparison.base.host) << "`; intervals at "
      << output::format_decimal(comparison.settings.confidence * 100, 1) << "% confidence.\n\n"
      << "| name | figure | base | new | change | interval of change | verdict |\n"
      << "| --- | --- | ---: | ---: | ---: | --- | --- |\n";
  for (const NameComparison& name : comparison.names) {
    const std::string shown = cell(name.aggregate ? name.name : name.method + " " + name.name);
    for (const Figure& figure : name.figures) {
      const std::string verdict(verdict_name(figure.verdict));
      out << "| " << shown << " | " << figure.label << " | " << format_value(figure, figure.base) << " | "
          << format_value(figure, figure.now) << " | " << format_delta(figure) << " | " << format_change(figure)
          << " | " << (figure.verdict == Verdict::kWorse ? "**worse**" : verdict) << " |\n";
    }
  }
  for (const std::string& name : comparison.only_in_base) out << "\nOnly in base (not compared): `" << cell(name) << "`";
  for (const std::string& name : comparison.only_in_new) out << "\nOnly in new (not compared): `" << cell(name) << "`";
  if (!comparison.only_in_base.empty() || !comparison.only_in_new.empty()) out << "\n";
}

}  // namespace ragscale::compare
