// CompareOptions: what `ragscale compare` is told on its command line, and its --help text.
//
// Contract: parse_compare_options(argc, argv) (argv[0] is "compare") reads
// BASE.json NEW.json [--max-regression PCT] [--format text|markdown|json] [--force] [-h];
// a bad flag, a missing value or a third file throws std::invalid_argument with one line
// saying what is wrong and what to write instead. parse_regression_limit("10%") is 10:
// the limit in percent, "10%" or "10", from 0 to 1000 (exclusive of neither).
#pragma once

#include <string>
#include <string_view>

namespace ragscale::compare {

enum class OutputFormat { kText, kMarkdown, kJson };

struct CompareOptions {
  std::string base_file;
  std::string new_file;
  double max_regression_pct = 10;
  OutputFormat format = OutputFormat::kText;
  bool force = false;
  bool help = false;
};

extern const char* const kCompareHelp;

CompareOptions parse_compare_options(int argc, char** argv);
double parse_regression_limit(std::string_view text);

}  // namespace ragscale::compare
