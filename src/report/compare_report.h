// The HTML comparison of two runs (`ragscale report --compare BASE.json NEW.json -o FILE`):
// one self-contained page, like the run report (html_report.h), with the comparison's verdict
// and figure table (compare/run_comparison.h) and both runs' charts over time overlaid.
//
// Contract: the page carries {"base": summary, "new": summary, "comparison": comparison} in
// <script type="application/json" id="comparison-data">, the summaries in the
// `ragscale load --json` format and the comparison in `ragscale compare --format json`'s, and
// web/compare/compare.js builds the page from it; so the page shows exactly the numbers the
// command line prints.
#pragma once

#include <string>

#include "compare/run_comparison.h"
#include "load/output/json_summary.h"

namespace ragscale::report {

std::string render_compare_report(const output::RunSummary& base, const output::RunSummary& now,
                                  const compare::Comparison& comparison);

// Writes the page; throws std::runtime_error naming the path when it cannot.
void write_compare_report_file(const std::string& path, const output::RunSummary& base,
                               const output::RunSummary& now, const compare::Comparison& comparison);

}  // namespace ragscale::report
