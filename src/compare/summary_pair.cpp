#include "compare/summary_pair.h"

#include <stdexcept>

#include "compare/run_comparison.h"

namespace ragscale::compare {
namespace {

output::RunSummary read_one(const std::string& file) {
  try {
    return output::read_json_summary(file);
  } catch (const std::runtime_error& error) {
    // The reader names the file and the field; say how to get a good one.
    const std::string message = error.what();
    if (message.find("ragscale load --json") != std::string::npos) throw;
    throw std::runtime_error(message + "; give a summary written by 'ragscale load --json FILE'");
  }
}

}  // namespace

SummaryPair read_summary_pair(const std::string& base_file, const std::string& new_file, bool force) {
  SummaryPair pair{read_one(base_file), read_one(new_file)};
  if (!force) {
    if (auto why = incompatibility(pair.base, pair.now)) {
      throw std::runtime_error(base_file + " and " + new_file + ": " + *why +
                               "; compare runs of the same target and scenario, or pass --force");
    }
  }
  return pair;
}

}  // namespace ragscale::compare
