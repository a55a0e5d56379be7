#include "compare/compare_options.h"

#include <charconv>
#include <stdexcept>

namespace ragscale::compare {

const char* const kCompareHelp = R"(Usage: ragscale compare BASE.json NEW.json [--max-regression 10%] [--format text|markdown|json] [--force]

Compares two runs from the JSON summaries that `ragscale load --json` wrote: per request
name and for the aggregate, latency p50/p95/p99, throughput (requests/s), error rate, and
when both runs streamed answers TTFT, ITL and TPOT p50/p95/p99 and output tokens/s. Each
figure shows the base and the new value, the change, the 95% confidence interval of the
change, and a verdict:
  better  the whole interval lies beyond the limit in the good direction
  same    within the limit, or within the noise
  worse   the whole interval lies beyond the limit in the bad direction: a change that is
          both statistically significant and larger than the limit
The intervals come from the runs' own data, with seconds as the independent units (a hiccup
slows many requests at once): Hodges-Lehmann intervals (Mann-Whitney) on the per-second
request and token counts, bootstrap intervals on the percentiles of the exact latency
histograms sized by the runs' second-to-second variation, Wilson-based intervals on error
rates. The error rate's change is in percentage points and its limit is the larger of
the limit% of the base rate and 0.1 point. See docs/compare.md.

  --max-regression PCT  the change a figure may worsen by before it counts, in percent of
                        the base value: "10%" or "10" (default 10%)
  --format FORMAT       text (default), markdown (a table and a verdict line for a CI job
                        summary) or json (every figure with base, new, delta_pct, ci and
                        verdict, and the overall verdict)
  --force               compare even when the runs loaded different targets or scenarios
  -h, --help            this text

The HTML rendering with both runs' charts overlaid:
  ragscale report --compare BASE.json NEW.json -o compare.html

Exit codes
  0  no figure worse beyond the limit
  1  a regression: at least one figure worse beyond the limit
  2  bad input: a missing, unreadable or malformed summary, a bad flag, or runs of
     different targets or scenarios without --force
)";

namespace {

[[noreturn]] void bad(const std::string& message) { throw std::invalid_argument("ragscale compare: " + message); }

}  // namespace

double parse_regression_limit(std::string_view text) {
  std::string_view digits = text;
  if (!digits.empty() && digits.back() == '%') digits.remove_suffix(1);
  double value = 0;
  auto [end, ec] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (digits.empty() || ec != std::errc() || end != digits.data() + digits.size() || !(value >= 0 && value <= 1000)) {
    bad("--max-regression: '" + std::string(text) + "' should be a percentage from 0 to 1000, e.g. 10%");
  }
  return value;
}

CompareOptions parse_compare_options(int argc, char** argv) {
  CompareOptions options;
  int files = 0;
  for (int i = 1; i < argc; ++i) {
    const std::string_view arg = argv[i];
    auto value = [&]() -> std::string_view {
      if (i + 1 >= argc) bad(std::string(arg) + " needs a value (see ragscale compare --help)");
      return argv[++i];
    };
    if (arg == "-h" || arg == "--help") {
      options.help = true;
      return options;
    }
    if (arg == "--max-regression") {
      options.max_regression_pct = parse_regression_limit(value());
    } else if (arg == "--format") {
      const std::string_view format = value();
      if (format == "text") {
        options.format = OutputFormat::kText;
      } else if (format == "markdown") {
        options.format = OutputFormat::kMarkdown;
      } else if (format == "json") {
        options.format = OutputFormat::kJson;
      } else {
        bad("--format: '" + std::string(format) + "' should be text, markdown or json");
      }
    } else if (arg == "--force") {
      options.force = true;
    } else if (arg.size() > 1 && arg[0] == '-') {
      bad("unknown flag '" + std::string(arg) + "' (see ragscale compare --help)");
    } else if (files == 0) {
      options.base_file = arg;
      ++files;
    } else if (files == 1) {
      options.new_file = arg;
      ++files;
    } else {
      bad("give exactly two summaries, BASE.json and NEW.json; '" + std::string(arg) + "' is a third");
    }
  }
  if (files < 2) bad("give two summaries written by 'ragscale load --json': ragscale compare BASE.json NEW.json");
  return options;
}

}  // namespace ragscale::compare
