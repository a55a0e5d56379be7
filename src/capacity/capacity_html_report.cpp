#include "capacity/capacity_html_report.h"

#include <sstream>

#include "report/html_page.h"
#include "report/web_assets.h"

namespace ragscale::capacity {

std::string render_capacity_html(const CapacityReport& report) {
  std::ostringstream json;
  write_capacity_json(json, report, /*with_run_summaries=*/false);
  const std::string data = json.str();
  return report::render_html_page({.title = "ragscale capacity report",
                                   .css = report::capacity_page_css(),
                                   .body = report::capacity_page_body(),
                                   .script = report::capacity_page_script(),
                                   .data_id = "capacity-search",
                                   .data_json = data});
}

void write_capacity_html_file(const std::string& path, const CapacityReport& report) {
  report::write_html_file(path, render_capacity_html(report));
}

}  // namespace ragscale::capacity
