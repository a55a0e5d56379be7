#include "serve/api/multipart.h"

#include <stdexcept>

#include "http/message.h"

namespace ragscale::serve {
namespace {

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) text.remove_suffix(1);
  return text;
}

// The value of `key` in a header like: form-data; name="file"; filename="a.txt"
std::string parameter(std::string_view header, std::string_view key) {
  size_t pos = 0;
  while ((pos = header.find(';', pos)) != std::string_view::npos) {
    ++pos;
    auto rest = trim(header.substr(pos));
    auto equals = rest.find('=');
    if (equals == std::string_view::npos) continue;
    if (!http::iequals(trim(rest.substr(0, equals)), key)) continue;
    auto value = rest.substr(equals + 1);
    if (!value.empty() && value.front() == '"') {
      auto close = value.find('"', 1);
      return std::string(value.substr(1, close == std::string_view::npos ? std::string_view::npos : close - 1));
    }
    return std::string(trim(value.substr(0, value.find(';'))));
  }
  return {};
}

}  // namespace

std::optional<std::string> multipart_boundary(std::string_view content_type) {
  auto type = trim(content_type.substr(0, content_type.find(';')));
  if (!http::iequals(type, "multipart/form-data")) return std::nullopt;
  auto boundary = parameter(content_type, "boundary");
  if (boundary.empty()) return std::nullopt;
  return boundary;
}

std::vector<MultipartPart> parse_multipart(std::string_view body, std::string_view boundary) {
  std::string delimiter = "--" + std::string(boundary);
  size_t pos = body.find(delimiter);
  if (pos == std::string_view::npos) {
    throw std::invalid_argument("multipart body does not contain its boundary \"" + std::string(boundary) + "\"");
  }
  std::vector<MultipartPart> parts;
  std::string next_delimiter = "\r\n" + delimiter;
  for (;;) {
    pos += delimiter.size();
    if (body.substr(pos, 2) == "--") return parts;  // closing delimiter
    if (body.substr(pos, 2) != "\r\n") throw std::invalid_argument("multipart boundary not followed by CRLF");
    pos += 2;
    auto head_end = body.find("\r\n\r\n", pos);
    if (head_end == std::string_view::npos) throw std::invalid_argument("multipart part has no end of headers");
    MultipartPart part;
    auto head = body.substr(pos, head_end - pos);
    size_t line_start = 0;
    while (line_start <= head.size()) {
      auto line_end = head.find("\r\n", line_start);
      auto line = head.substr(line_start, line_end == std::string_view::npos ? std::string_view::npos : line_end - line_start);
      auto colon = line.find(':');
      if (colon != std::string_view::npos) {
        auto name = trim(line.substr(0, colon));
        auto value = trim(line.substr(colon + 1));
        if (http::iequals(name, "Content-Disposition")) {
          part.name = parameter(value, "name");
          part.filename = parameter(value, "filename");
        } else if (http::iequals(name, "Content-Type")) {
          part.content_type = std::string(value);
        }
      }
      if (line_end == std::string_view::npos) break;
      line_start = line_end + 2;
    }
    size_t content_start = head_end + 4;
    auto content_end = body.find(next_delimiter, content_start);
    if (content_end == std::string_view::npos) {
      throw std::invalid_argument("multipart part \"" + part.name + "\" is not terminated by the boundary");
    }
    part.body = body.substr(content_start, content_end - content_start);
    parts.push_back(std::move(part));
    pos = content_end + 2;  // at the delimiter
  }
}

}  // namespace ragscale::serve
