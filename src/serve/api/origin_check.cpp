#include "serve/api/origin_check.h"

#include <cctype>

namespace ragscale::serve {
namespace {

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The host of "scheme://host[:port][/...]", lower-cased, brackets kept for IPv6.
std::optional<std::string> url_host(std::string_view url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string_view::npos) return std::nullopt;
  auto scheme = lower(url.substr(0, scheme_end));
  if (scheme != "http" && scheme != "https") return std::nullopt;
  auto rest = url.substr(scheme_end + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string_view::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest.front() == '[') {
    auto close = rest.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    return lower(rest.substr(0, close + 1));
  }
  return lower(rest.substr(0, rest.find(':')));
}

bool is_loopback_host(const std::string& host) {
  if (host == "localhost" || host == "[::1]") return true;
  if (host.size() > 10 && host.compare(host.size() - 10, 10, ".localhost") == 0) return true;
  if (host.rfind("127.", 0) != 0) return false;
  return host.find_first_not_of("0123456789.") == std::string::npos;
}

bool form_content_type(std::string_view content_type) {
  auto type = lower(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.pop_back();
  return type == "text/plain" || type == "application/x-www-form-urlencoded" || type == "multipart/form-data";
}

}  // namespace

bool names_this_service(std::string_view url, std::string_view listen_host) {
  auto host = url_host(url);
  if (!host || host->empty()) return false;
  if (is_loopback_host(*host)) return true;
  std::string listening = lower(listen_host);
  if (listening.find(':') != std::string::npos && listening.front() != '[') listening = "[" + listening + "]";
  bool wildcard = listening == "0.0.0.0" || listening == "[::]" || listening.empty();
  return !wildcard && *host == listening;
}

std::optional<std::string> cross_site_refusal(std::string_view method, const http::Headers& headers,
                                              std::string_view listen_host) {
  if (method == "GET" || method == "HEAD" || method == "OPTIONS") return std::nullopt;
  const std::string why =
      " (auth is off, so requests from web pages of other sites are refused; set api_keys to use the service "
      "from a browser page, or send the request without a browser)";
  if (auto origin = headers.get("Origin")) {
    if (names_this_service(*origin, listen_host)) return std::nullopt;
    return "cross-site request refused: Origin " + std::string(*origin) + " is not this service" + why;
  }
  if (auto referer = headers.get("Referer")) {
    if (names_this_service(*referer, listen_host)) return std::nullopt;
    return "cross-site request refused: it comes from a page at " + url_host(*referer).value_or("an unknown site") +
           why;
  }
  bool carries_key = headers.has("X-API-Key") || headers.has("Authorization");
  auto fetch_site = headers.get("Sec-Fetch-Site");
  if (!carries_key && fetch_site && *fetch_site != "same-origin" && *fetch_site != "none" &&
      form_content_type(headers.get("Content-Type").value_or(""))) {
    return "cross-site request refused: the browser marks it " + std::string(*fetch_site) + why;
  }
  return std::nullopt;
}

}  // namespace ragscale::serve
