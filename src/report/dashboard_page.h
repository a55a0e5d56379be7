// The live dashboard's page (ragscale load --web): one self-contained HTML page (the same uPlot
// and chart code as the report, see html_page.h) whose script polls stats.json beside it once a
// second and draws users, requests and failures per second, latency percentiles, streamed-answer
// charts when the series carry them, the per-name table and a Stop button (POST stop).
#pragma once

#include <string>

namespace ragscale::report {

std::string render_dashboard_page();

}  // namespace ragscale::report
