// `ragscale compare BASE.json NEW.json`: did the new run get worse than the base? Reads the
// two summaries, refuses runs of different targets or scenarios unless --force, prints the
// comparison (run_comparison.h) as text, markdown or JSON, and exits 0 (no regression beyond
// the limit), 1 (a regression) or 2 (bad input).
#include <cstdio>
#include <iostream>
#include <stdexcept>

#include "app/commands.h"
#include "compare/compare_options.h"
#include "compare/comparison_outputs.h"
#include "compare/run_comparison.h"
#include "compare/summary_pair.h"

namespace ragscale {

int run_compare_command(int argc, char** argv) {
  compare::CompareOptions options;
  try {
    options = compare::parse_compare_options(argc, argv);
  } catch (const std::invalid_argument& error) {
    std::fprintf(stderr, "%s\n", error.what());
    return 2;
  }
  if (options.help) {
    std::fputs(compare::kCompareHelp, stdout);
    return 0;
  }
  compare::SummaryPair pair;
  try {
    pair = compare::read_summary_pair(options.base_file, options.new_file, options.force);
  } catch (const std::runtime_error& error) {
    std::fprintf(stderr, "ragscale compare: %s\n", error.what());
    return 2;
  }
  const compare::Comparison comparison = compare::compare_runs(
      pair.base, options.base_file, pair.now, options.new_file, {.max_regression_pct = options.max_regression_pct});
  switch (options.format) {
    case compare::OutputFormat::kText: compare::write_comparison_text(std::cout, comparison); break;
    case compare::OutputFormat::kMarkdown: compare::write_comparison_markdown(std::cout, comparison); break;
    case compare::OutputFormat::kJson:
      compare::write_comparison_json(std::cout, comparison);
      std::cout << "\n";
      break;
  }
  std::cout.flush();
  return comparison.regressions().empty() ? 0 : 1;
}

}  // namespace ragscale
