#include "load/scenario/data_source.h"

#include <rapidjson/document.h>

#include <fstream>
#include <sstream>

#include "common/bounded_json.h"
#include "load/scenario/response_body.h"

namespace ragscale::scenario {
namespace {

[[noreturn]] void fail(const std::string& origin, size_t line, std::string_view problem) {
  std::string message = origin;
  if (line > 0) message += ":" + std::to_string(line);
  message += ": ";
  message.append(problem);
  throw DataSourceError(message);
}

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

bool is_blank(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

// Calls visit(line_number, line) for each line, without its "\n" or "\r\n".
template <typename Visit>
void for_each_line(std::string_view text, Visit visit) {
  size_t line_number = 0;
  while (!text.empty()) {
    ++line_number;
    size_t end = text.find('\n');
    std::string_view line = text.substr(0, end);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    visit(line_number, line);
    if (end == std::string_view::npos) break;
    text.remove_prefix(end + 1);
  }
}

void require_rows(const std::string& origin, size_t rows) {
  if (rows == 0) fail(origin, 0, "no data rows; add at least one item or remove the data source");
}

// One CSV record starting at text[pos] (RFC 4180: quoted fields may hold commas, quotes
// doubled, and newlines). Advances pos past the record and its line break.
std::vector<std::string> read_csv_record(std::string_view text, size_t& pos, size_t& line,
                                         const std::string& origin) {
  std::vector<std::string> fields(1);
  size_t record_line = line;
  bool quoted = false;
  while (pos < text.size()) {
    char c = text[pos];
    if (quoted) {
      if (c == '"') {
        if (pos + 1 < text.size() && text[pos + 1] == '"') {
          fields.back() += '"';
          ++pos;
        } else {
          quoted = false;
        }
      } else {
        if (c == '\n') ++line;
        fields.back() += c;
      }
      ++pos;
      continue;
    }
    if (c == '"' && fields.back().empty()) {
      quoted = true;
    } else if (c == ',') {
      fields.emplace_back();
    } else if (c == '\n') {
      ++pos;
      ++line;
      return fields;
    } else if (c != '\r') {
      fields.back() += c;
    }
    ++pos;
  }
  if (quoted) fail(origin, record_line, "unterminated quoted field; close it with \"");
  ++line;
  return fields;
}

}  // namespace

DataSource::DataSource(std::string name, std::vector<std::string> columns, std::vector<std::string> cells)
    : name_(std::move(name)), columns_(std::move(columns)), cells_(std::move(cells)) {}

int DataSource::column_index(std::string_view column) const {
  for (size_t i = 0; i < columns_.size(); ++i) {
    if (columns_[i] == column) return static_cast<int>(i);
  }
  return -1;
}

DataSource parse_lines(const std::string& name, std::string_view text, const std::string& origin) {
  std::vector<std::string> cells;
  for_each_line(text, [&](size_t, std::string_view line) {
    if (!is_blank(line)) cells.emplace_back(line);
  });
  require_rows(origin, cells.size());
  return DataSource(name, {}, std::move(cells));
}

DataSource parse_csv(const std::string& name, std::string_view text, const std::string& origin) {
  size_t pos = 0, line = 1;
  while (pos < text.size() && (text[pos] == '\n' || text[pos] == '\r')) {
    if (text[pos] == '\n') ++line;
    ++pos;
  }
  if (pos >= text.size()) fail(origin, 0, "empty CSV file; the first row must name the columns");
  std::vector<std::string> columns = read_csv_record(text, pos, line, origin);
  for (size_t i = 0; i < columns.size(); ++i) {
    if (columns[i].empty()) {
      fail(origin, 1, "column " + std::to_string(i + 1) + " of the header row has no name; name every column");
    }
    for (size_t j = 0; j < i; ++j) {
      if (columns[j] == columns[i]) fail(origin, 1, "column '" + columns[i] + "' appears twice in the header row");
    }
  }
  std::vector<std::string> cells;
  while (pos < text.size()) {
    size_t record_line = line;
    std::vector<std::string> fields = read_csv_record(text, pos, line, origin);
    if (fields.size() == 1 && is_blank(fields[0])) continue;
    if (fields.size() != columns.size()) {
      fail(origin, record_line,
           "row has " + std::to_string(fields.size()) + " fields but the header has " +
               std::to_string(columns.size()) + "; quote fields that contain commas");
    }
    for (auto& field : fields) cells.push_back(std::move(field));
  }
  require_rows(origin, cells.size());
  return DataSource(name, std::move(columns), std::move(cells));
}

DataSource parse_jsonl(const std::string& name, std::string_view text, const std::string& origin) {
  std::vector<std::string> columns;
  std::vector<std::vector<std::pair<int, std::string>>> rows;
  for_each_line(text, [&](size_t line_number, std::string_view line) {
    if (is_blank(line)) return;
    rapidjson::Document document;
    if (auto parsed = parse_bounded_json(document, line); !parsed.ok()) {
      fail(origin, line_number,
           "invalid JSON (" + parsed.message + " at byte " + std::to_string(parsed.offset) +
               "); write one JSON object per line");
    }
    if (!document.IsObject()) fail(origin, line_number, "expected a JSON object like {\"question\": \"...\"}");
    auto& row = rows.emplace_back();
    for (auto& member : document.GetObject()) {
      std::string key(member.name.GetString(), member.name.GetStringLength());
      int index = -1;
      for (size_t i = 0; i < columns.size(); ++i) {
        if (columns[i] == key) index = static_cast<int>(i);
      }
      if (index < 0) {
        index = static_cast<int>(columns.size());
        columns.push_back(key);
      }
      row.emplace_back(index, value_text(member.value));
    }
  });
  require_rows(origin, rows.size());
  if (columns.empty()) fail(origin, 0, "every object is empty; give the objects fields to draw from");
  std::vector<std::string> cells(rows.size() * columns.size());
  for (size_t r = 0; r < rows.size(); ++r) {
    for (auto& [column, value] : rows[r]) cells[r * columns.size() + column] = std::move(value);
  }
  return DataSource(name, std::move(columns), std::move(cells));
}

DataSource load_data_file(const std::string& name, const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) fail(path, 0, "cannot open the file; check the path (relative paths start at the scenario file's folder)");
  std::ostringstream contents;
  contents << file.rdbuf();
  std::string text = contents.str();
  if (ends_with(path, ".csv")) return parse_csv(name, text, path);
  if (ends_with(path, ".jsonl") || ends_with(path, ".ndjson")) return parse_jsonl(name, text, path);
  return parse_lines(name, text, path);
}

}  // namespace ragscale::scenario
