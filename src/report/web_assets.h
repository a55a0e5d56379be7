// Front-end assets bundled into the HTML report, embedded at build time by
// cmake/EmbedWebAssets.cmake: the page's own body, style and script (web/report/) and
// uPlot (MIT license, from the npm registry, pinned in web/package-lock.json).
#pragma once

#include <string_view>

namespace ragscale::report {

std::string_view uplot_js();
std::string_view uplot_css();
std::string_view uplot_license();
std::string_view report_page_body();
std::string_view report_page_css();
std::string_view report_page_script();

}  // namespace ragscale::report
