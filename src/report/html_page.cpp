#include "report/html_page.h"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <stdexcept>

#include "report/web_assets.h"

namespace ragscale::report {

std::string json_for_script_element(std::string_view json) {
  std::string safe;
  safe.reserve(json.size() + 64);
  for (char c : json) {
    if (c == '<') safe += "\\u003c";
    else safe += c;
  }
  return safe;
}

std::string render_html_page(const HtmlPage& page) {
  std::string html;
  html.reserve(page.data_json.size() + uplot_js().size() + page.script.size() + 48 * 1024);
  html += "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n";
  html += "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>";
  html += page.title;
  html += "</title>\n<style>\n";
  html += uplot_css();
  html += "\n";
  html += report_page_css();  // the common look: fonts, headings, tables
  html += "\n";
  html += page.css;
  html += "</style>\n</head>\n<body>\n";
  html += page.body;
  std::vector<PageData> data{{page.data_id, page.data_json}};
  data.insert(data.end(), page.more_data.begin(), page.more_data.end());
  for (const PageData& element : data) {
    if (element.json.empty()) continue;
    html += "<script type=\"application/json\" id=\"";
    html += element.id;
    html += "\">";
    html += json_for_script_element(element.json);
    html += "</script>\n";
  }
  html += "<script>\n/*\n";
  html += uplot_license();
  html += "*/\n";
  html += uplot_js();
  html += "\n</script>\n<script>\n";
  html += charts_script();
  html += "</script>\n<script>\n";
  html += page.script;
  html += "</script>\n</body>\n</html>\n";
  return html;
}

void write_html_file(const std::string& path, const std::string& html) {
  std::ofstream file(path, std::ios::binary | std::ios::trunc);
  if (!file) throw std::runtime_error("cannot write the HTML report '" + path + "': " + std::strerror(errno));
  file.write(html.data(), static_cast<std::streamsize>(html.size()));
  file.close();
  if (!file) throw std::runtime_error("cannot write the HTML report '" + path + "': " + std::strerror(errno));
}

}  // namespace ragscale::report
