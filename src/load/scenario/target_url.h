// The base URL a load test aims at ("http://127.0.0.1:8000/api").
//
// Contract: parse_target_url accepts http[s]://HOST[:PORT][/PATH][?QUERY]; HOST may be a
// name, an IPv4 address or a bracketed IPv6 literal ("[::1]"). Port defaults to 80 for
// http and 443 for https. base_path is "/" when absent and keeps any query. Other
// schemes, user info, fragments, empty hosts and ports outside 1..65535 are rejected
// with std::invalid_argument whose what() says what is wrong and how to fix it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace ragscale::scenario {

struct TargetUrl {
  std::string scheme = "http";  // or "https"
  std::string host;  // without IPv6 brackets
  uint16_t port = 80;
  std::string base_path = "/";

  bool tls() const { return scheme == "https"; }
  uint16_t default_port() const { return tls() ? 443 : 80; }
  // Value for the Host header: "host" or "host:port" when the port is not the scheme's default.
  std::string host_header() const;
  // "http://host:port" (or https) without the path, for messages and reports.
  std::string origin() const;
  // Joins base_path and a request path ("/api" + "/query" -> "/api/query").
  std::string join_path(std::string_view path) const;
};

TargetUrl parse_target_url(std::string_view url);

}  // namespace ragscale::scenario
