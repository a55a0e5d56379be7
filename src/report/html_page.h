// The frame shared by the HTML report and the live dashboard: one page that needs nothing
// from elsewhere, with uPlot's style and script (and its license) inlined, the chart code
// both pages share (web/common/charts.js), then the page's own style, body and script.
//
// Contract: `data_json`, when not empty, is placed in <script type="application/json"
// id="DATA_ID"> after the body, made safe for a script element (json_for_script_element), for
// the page script to read; so is each of `more_data`, after it, in order. The other parts are
// trusted page assets, inserted as they are.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ragscale::report {

// One more JSON data element of a page beside its main one (e.g. the report's diagnosis).
struct PageData {
  std::string_view id;
  std::string_view json;
};

struct HtmlPage {
  std::string_view title;
  std::string_view css;
  std::string_view body;
  std::string_view script;
  std::string_view data_id;
  std::string_view data_json;
  std::vector<PageData> more_data = {};
};

std::string render_html_page(const HtmlPage& page);

// Writes a rendered page to `path`; throws std::runtime_error naming the path when it cannot.
void write_html_file(const std::string& path, const std::string& html);

// JSON made safe to sit inside a <script> element: every '<' becomes \u003c (JSON has
// '<' only inside strings, where the escape means the same character).
std::string json_for_script_element(std::string_view json);

}  // namespace ragscale::report
