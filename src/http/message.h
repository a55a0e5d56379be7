// HTTP/1.1 messages as plain values: a request as a server sees it, a response as a
// client sees it, and the header list both share. Header names compare
// case-insensitively; order and duplicates are kept.
#pragma once

#include <cstdint>
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

// What a parsed message's head carries. For requests, method and target are set; for
// responses, status. Header capture is optional on the client side.
struct MessageHead {
  int status = 0;
  std::string method;
  std::string target;
  Headers headers;
  int http_minor = 1;  // HTTP/1.x
  bool keep_alive = true;
  bool chunked = false;
  uint64_t content_length = 0;  // valid when has_content_length
  bool has_content_length = false;
  bool expect_continue = false;  // "Expect: 100-continue" on an HTTP/1.1 request
  std::string peer_address;      // requests a server received: the client's IP address, as in Request

  // Whether a request with this head carries a body.
  bool has_body() const { return chunked || (has_content_length && content_length > 0); }
};

struct Request {
  std::string method;
  std::string target;  // as on the request line: path plus optional ?query
  Headers headers;
  std::string body;
  bool keep_alive = true;
  std::string peer_address;  // the client's IP address as the server saw it (requests the server received)

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

// The value of a hex digit, or -1 for any other character.
int hex_value(char c);

// Percent-decoding for query strings and form bodies ('+' is a space).
std::string url_decode(std::string_view text);
// Percent-encoding of a query component (RFC 3986 unreserved characters kept).
std::string url_encode(std::string_view text);

// The standard reason phrase for a status code ("OK", "Not Found", ...).
std::string_view reason_phrase(int status);

}  // namespace ragscale::http
