#include "report/html_report.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

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
  const std::string html = render_html_report(summary);
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("cannot write the HTML report '" + path + "': " + std::strerror(errno));
  file.write(html.data(), static_cast<std::streamsize>(html.size()));
  file.close();
  if (!file) throw std::runtime_error("cannot write the HTML report '" + path + "': " + std::strerror(errno));
}

}  // namespace ragscale::report
