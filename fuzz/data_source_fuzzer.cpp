// Fuzz target: scenario data files (scenario::parse_lines, parse_csv, parse_jsonl).
// Input: the file's text, read as each of the three formats. Malformed text must throw
// DataSourceError; a source that loads must have at least one row, and every cell
// templates can index must exist.
#include <cstddef>
#include <cstdint>

#include "fuzz_support.h"
#include "load/scenario/data_source.h"

namespace {

using namespace ragscale::scenario;

template <typename Parse>
void load_as(Parse parse, std::string_view text) {
  try {
    DataSource source = parse("fuzz", text, "fuzz.data");
    if (source.rows() == 0) ragscale::fuzz::fail("a data source loaded without rows");
    size_t bytes = 0;
    for (size_t row = 0; row < source.rows(); ++row) {
      for (size_t column = 0; column < source.width(); ++column) bytes += source.cell(row, column).size();
    }
    for (const auto& name : source.columns()) {
      if (source.column_index(name) < 0) ragscale::fuzz::fail("a column cannot be found by its name", name);
    }
    (void)bytes;
  } catch (const DataSourceError&) {
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  load_as(parse_lines, text);
  load_as(parse_csv, text);
  load_as(parse_jsonl, text);
  return 0;
}
