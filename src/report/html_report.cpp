#include "report/html_report.h"

#include <sstream>

#include "report/html_page.h"
#include "report/web_assets.h"

namespace ragscale::report {

std::string render_html_report(const output::RunSummary& summary) {
  std::ostringstream json;
  output::write_json_summary(json, summary.info, summary.stats);
  const std::string data = json.str();
  return render_html_page({.title = "ragscale load report",
                           .css = "",
                           .body = report_page_body(),
                           .script = report_page_script(),
                           .data_id = "run-summary",
                           .data_json = data});
}

void write_html_report_file(const std::string& path, const output::RunSummary& summary) {
  write_html_file(path, render_html_report(summary));
}

}  // namespace ragscale::report
