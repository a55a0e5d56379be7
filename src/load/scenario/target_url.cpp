#include "load/scenario/target_url.h"

#include <charconv>
#include <stdexcept>

namespace ragscale::scenario {
namespace {

[[noreturn]] void fail(std::string_view url, std::string_view problem) {
  throw std::invalid_argument(std::string("bad URL '").append(url).append("': ").append(problem));
}

}  // namespace

TargetUrl parse_target_url(std::string_view url) {
  TargetUrl target;
  size_t scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) {
    fail(url, "missing scheme; write it as http://HOST[:PORT][/PATH], e.g. http://127.0.0.1:8000");
  }
  std::string_view scheme = url.substr(0, scheme_end);
  if (scheme != "http" && scheme != "https") {
    fail(url, std::string("unsupported scheme '").append(scheme).append("'; use http:// or https://"));
  }
  target.scheme = std::string(scheme);
  target.port = target.default_port();
  std::string_view rest = url.substr(scheme_end + 3);
  size_t authority_end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, authority_end);
  std::string_view path = authority_end == std::string_view::npos ? "" : rest.substr(authority_end);
  if (path.find('#') != std::string_view::npos) fail(url, "fragments (#...) are never sent; remove them");
  if (authority.find('@') != std::string_view::npos) {
    fail(url, "user info (user:password@) is not supported; send credentials in a header instead");
  }

  std::string_view port_text;
  if (!authority.empty() && authority.front() == '[') {
    size_t close = authority.find(']');
    if (close == std::string_view::npos) fail(url, "unterminated IPv6 address; write it as [::1]");
    target.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after.front() != ':') fail(url, "expected ':PORT' after the IPv6 address");
      port_text = after.substr(1);
      if (port_text.empty()) fail(url, "empty port after ':'; give a port or drop the ':'");
    }
  } else {
    size_t colon = authority.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      authority = authority.substr(0, colon);
      if (port_text.empty()) fail(url, "empty port after ':'; give a port or drop the ':'");
    }
    target.host = std::string(authority);
  }
  if (target.host.empty()) fail(url, "missing host; e.g. http://127.0.0.1:8000");
  if (!port_text.empty()) {
    unsigned port = 0;
    auto [end, error] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (error != std::errc() || end != port_text.data() + port_text.size() || port == 0 || port > 65535) {
      fail(url, std::string("bad port '").append(port_text).append("'; use a number from 1 to 65535"));
    }
    target.port = static_cast<uint16_t>(port);
  }
  if (path.empty()) {
    target.base_path = "/";
  } else if (path.front() == '?') {
    target.base_path = std::string("/").append(path);
  } else {
    target.base_path = std::string(path);
  }
  return target;
}

std::string TargetUrl::host_header() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  if (port != default_port()) name.append(":").append(std::to_string(port));
  return name;
}

std::string TargetUrl::origin() const {
  std::string name = host.find(':') != std::string::npos ? "[" + host + "]" : host;
  return scheme + "://" + name + ":" + std::to_string(port);
}

std::string TargetUrl::join_path(std::string_view path) const {
  std::string_view base = base_path;
  if (base == "/" ) return std::string(path);
  while (!base.empty() && base.back() == '/') base.remove_suffix(1);
  std::string joined(base);
  if (!path.empty() && path.front() != '/') joined += '/';
  joined.append(path);
  return joined;
}

}  // namespace ragscale::scenario
