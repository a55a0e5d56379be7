// CSV writing shared by the report files: Python csv.writer's dialect (QUOTE_MINIMAL,
// "\r\n" line ends), as Locust writes its files.
#pragma once

#include <ostream>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::output {

// Quotes a field only when it holds the delimiter, a quote or a line end.
inline std::string csv_field(std::string_view field) {
  if (field.find_first_of(",\"\r\n") == std::string_view::npos) return std::string(field);
  std::string quoted = "\"";
  for (char c : field) {
    if (c == '"') quoted.push_back('"');
    quoted.push_back(c);
  }
  quoted.push_back('"');
  return quoted;
}

inline void write_csv_row(std::ostream& out, const std::vector<std::string>& fields) {
  for (size_t i = 0; i < fields.size(); ++i) {
    if (i != 0) out << ',';
    out << csv_field(fields[i]);
  }
  out << "\r\n";
}

}  // namespace ragscale::output
