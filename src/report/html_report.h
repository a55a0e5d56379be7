// The HTML run report: one self-contained file that opens offline in a browser.
//
// It carries the run's JSON summary (see load/output/json_summary.h) inside a
// <script type="application/json"> element, and a small page script that builds from it
// the settings, the threshold verdicts, a table per request name, charts over time of
// users, requests/s, failures/s and latency percentiles (uPlot, bundled into the file),
// and the error breakdown. So the report shows exactly the numbers of the summary.
//
// Beside the summary it carries, in two more data elements, what the page shows of the run
// that the summary does not state outright: "diagnosis-data", the run's diagnosis as
// `ragscale diagnose --format json` prints it (diagnose/diagnosis.h), and "target-charts-data",
// the scraped series chosen to chart beside the load's own (target_charts.h). The page draws
// every chart over time on one x axis, the run's seconds from 0 to its duration, so the
// target's charts line up with the load's.
#pragma once

#include <string>

#include "load/output/json_summary.h"
#include "report/html_page.h"

namespace ragscale::report {

std::string render_html_report(const output::RunSummary& summary);

// Writes the report; throws std::runtime_error naming the path when it cannot.
void write_html_report_file(const std::string& path, const output::RunSummary& summary);

}  // namespace ragscale::report
