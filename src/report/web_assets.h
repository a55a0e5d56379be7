// Front-end assets bundled into the HTML report and the live dashboard, embedded at build
// time by cmake/EmbedWebAssets.cmake: each page's own body, style and script (web/report/,
// web/dashboard/, web/capacity/, web/compare/), the chart code they share (web/common/charts.js) and uPlot (MIT license,
// from the npm registry, pinned in web/package-lock.json).
#pragma once

#include <string_view>

namespace ragscale::report {

std::string_view uplot_js();
std::string_view uplot_css();
std::string_view uplot_license();
std::string_view report_page_body();
std::string_view report_page_css();
std::string_view report_page_script();
std::string_view charts_script();
std::string_view dashboard_page_body();
std::string_view dashboard_page_css();
std::string_view dashboard_page_script();
std::string_view capacity_page_body();
std::string_view capacity_page_css();
std::string_view capacity_page_script();
std::string_view compare_page_body();
std::string_view compare_page_css();
std::string_view compare_page_script();

}  // namespace ragscale::report
