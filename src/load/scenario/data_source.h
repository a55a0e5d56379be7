// Test data that templates draw from: pick(src), user_data.src.col.
//
// Contract: a DataSource is an immutable table of text cells. Line files and inline
// lists have one unnamed column; CSV files take column names from their header row;
// JSONL files take them from the objects' keys (first-seen order; a key missing from a
// row reads as ""). Non-string JSON values are kept as their JSON text ("5", "true",
// "{\"a\":1}"). Blank lines are skipped everywhere. A source is never empty: loaders
// throw DataSourceError ("FILE:LINE: what is wrong; how to fix") for empty or malformed
// files, so rendering can always index a row.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::scenario {

class DataSourceError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

class DataSource {
 public:
  // columns empty = one unnamed column. cells are row-major, rows * width() of them.
  DataSource(std::string name, std::vector<std::string> columns, std::vector<std::string> cells);

  const std::string& name() const { return name_; }
  const std::vector<std::string>& columns() const { return columns_; }
  bool has_named_columns() const { return !columns_.empty(); }
  size_t width() const { return columns_.empty() ? 1 : columns_.size(); }
  size_t rows() const { return cells_.size() / width(); }
  // Index of a named column, or -1.
  int column_index(std::string_view column) const;
  std::string_view cell(size_t row, size_t column) const { return cells_[row * width() + column]; }

  // Position in Scenario::data; lets a render cache one drawn row per source.
  size_t slot = 0;

 private:
  std::string name_;
  std::vector<std::string> columns_;
  std::vector<std::string> cells_;
};

// Chooses the format by extension: .csv, .jsonl/.ndjson, anything else = one item a line.
DataSource load_data_file(const std::string& name, const std::string& path);

DataSource parse_lines(const std::string& name, std::string_view text, const std::string& origin);
DataSource parse_csv(const std::string& name, std::string_view text, const std::string& origin);
DataSource parse_jsonl(const std::string& name, std::string_view text, const std::string& origin);

}  // namespace ragscale::scenario
