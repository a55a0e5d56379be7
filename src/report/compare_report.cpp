#include "report/compare_report.h"

#include <sstream>

#include "compare/comparison_outputs.h"
#include "report/html_page.h"
#include "report/web_assets.h"

namespace ragscale::report {
namespace {

std::string summary_json(const output::RunSummary& summary) {
  std::ostringstream json;
  output::write_json_summary(json, summary.info, summary.stats);
  return json.str();
}

}  // namespace

std::string render_compare_report(const output::RunSummary& base, const output::RunSummary& now,
                                  const compare::Comparison& comparison) {
  const std::string data = "{\"base\":" + summary_json(base) + ",\"new\":" + summary_json(now) +
                           ",\"comparison\":" + compare::comparison_json(comparison) + "}";
  return render_html_page({.title = "ragscale comparison",
                           .css = compare_page_css(),
                           .body = compare_page_body(),
                           .script = compare_page_script(),
                           .data_id = "comparison-data",
                           .data_json = data});
}

void write_compare_report_file(const std::string& path, const output::RunSummary& base,
                               const output::RunSummary& now, const compare::Comparison& comparison) {
  write_html_file(path, render_compare_report(base, now, comparison));
}

}  // namespace ragscale::report
