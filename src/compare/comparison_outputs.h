// The three renderings of a Comparison (run_comparison.h) that `ragscale compare --format`
// chooses from, and the figure formatting they share.
//
// Contract:
// - write_comparison_text: for a terminal: one table per request name, the names found in only
//   one run, and a last line with the overall verdict.
// - write_comparison_markdown: for a CI job summary (e.g. appended to $GITHUB_STEP_SUMMARY): a
//   verdict line, one table of every figure, and the names found in only one run.
// - write_comparison_json: for scripts: every figure with base, new, delta_pct, ci ([low, high]
//   of the change, or null), ci_unit ("%" or "pp"), limit and verdict; latencies in ms; the
//   overall verdict ("regression" or "no regression") and the regressions' count.
// - The verdict line says "no regression" or "REGRESSION" and names every worse figure.
#pragma once

#include <ostream>
#include <string>

#include "compare/run_comparison.h"

namespace ragscale::compare {

void write_comparison_text(std::ostream& out, const Comparison& comparison);
void write_comparison_markdown(std::ostream& out, const Comparison& comparison);
void write_comparison_json(std::ostream& out, const Comparison& comparison);
std::string comparison_json(const Comparison& comparison);

// Shared by the renderings.
std::string format_value(const Figure& figure, double value);  // "21.5 ms", "912.3/s", "0.25%"
std::string format_delta(const Figure& figure);                // "+4.1%", "n/a"
std::string format_change(const Figure& figure);               // "[+1.2%, +7.0%]", "[-0.1 pp, +0.3 pp]"
std::string verdict_line(const Comparison& comparison);

}  // namespace ragscale::compare
