#include "report/html_report.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>
#include <stdexcept>

#include "report/web_assets.h"

namespace ragscale::report {

std::string json_for_script_element(const std::string& json) {
  std::string safe;
  safe.reserve(json.size() + 64);
  for (char c : json) {
    if (c == '<') safe += "\\u003c";
    else safe += c;
  }
  return safe;
}

std::string render_html_report(const output::RunSummary& summary) {
  std::ostringstream json;
  output::write_json_summary(json, summary.info, summary.stats);

  std::string html;
  html.reserve(json.str().size() + uplot_js().size() + 32 * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n";
  html += "<title>ragscale load report</title>\n<style>\n";
  html += uplot_css();
  html += "\n";
  html += report_page_css();
  html += "</style>\n</head>\n<body>\n";
  html += report_page_body();
  html += "<script type=\"application/json\" id=\"run-summary\">";
  html += json_for_script_element(json.str());
  html += "</script>\n<script>\n/*\n";
  html += uplot_license();
  html += "*/\n";
  html += uplot_js();
  html += "\n</script>\n<script>\n";
  html += report_page_script();
  html += "</script>\n</body>\n</html>\n";
  return html;
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
