// The HTML report of a capacity search (--html): one self-contained page (report/html_page.h)
// with the capacity and its bracket, achieved and good throughput against the offered load,
// p50/p95/p99 latency against the offered load, and the table of steps. It carries the
// search's JSON (capacity_report.h, without the per-step run summaries, which would only
// weigh the page) for the page script (web/capacity/capacity.js) to draw.
#pragma once

#include <string>

#include "capacity/capacity_report.h"

namespace ragscale::capacity {

std::string render_capacity_html(const CapacityReport& report);

// Throws std::runtime_error naming the path when it cannot write.
void write_capacity_html_file(const std::string& path, const CapacityReport& report);

}  // namespace ragscale::capacity
