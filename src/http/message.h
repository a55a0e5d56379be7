// HTTP/1.1 messages as plain values: a request as a server sees it, a response as a
// client sees it, and the header list both share. Header names compare
// case-insensitively; order and duplicates are kept.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ragscale::http {

bool iequals(std::string_view a, std::string_view b);

class Headers {
 public:
  void add(std::string name, std::string value) { fields_.emplace_back(std::move(name), std::move(value)); }
  // The first value of `name`, if present.
  std::optional<std::string_view> get(std::string_view name) const;
  bool has(std::string_view name) const { return get(name).has_value(); }
  void clear() { fields_.clear(); }
  size_t size() const { return fields_.size(); }
  auto begin() const { return fields_.begin(); }
  auto end() const { return fields_.end(); }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
};

struct Request {
  std::string method;
  std::string target;  // as on the request line: path plus optional ?query
  Headers headers;
  std::string body;
  bool keep_alive = true;

  std::string_view path() const;   // target without the query
  std::string_view query() const;  // after '?', empty if none
  // Decoded value of a query parameter, if present.
  std::optional<std::string> query_param(std::string_view name) const;
};

struct Response {
  int status = 0;
  Headers headers;
  std::string body;
  bool keep_alive = true;
};

// Percent-decoding for query strings and form bodies ('+' is a space).
std::string url_decode(std::string_view text);
// Percent-encoding of a query component (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view text);

// The standard reason phrase for a status code ("OK", "Not Found", ...).
std::string_view reason_phrase(int status);

}  // namespace ragscale::http
