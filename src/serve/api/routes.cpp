#include "serve/api/routes.h"

namespace ragscale::serve {

const char* route_label(Route route) {
  switch (route) {
    case Route::kHealth: return "/health";
    case Route::kReady: return "/ready";
    case Route::kStartup: return "/startup";
    case Route::kMetrics: return "/metrics";
    case Route::kQuery: return "/query";
    case Route::kSearch: return "/api/v1/search";
    case Route::kRetrieval: return "/retrieval";
    case Route::kUpload: return "/api/v1/documents/upload";
    case Route::kStatus: return "/api/v1/documents/{id}/status";
    case Route::kList: return "/documents";
    case Route::kDocument: return "/documents/{id}";
    case Route::kLogin: return "/auth/login";
    case Route::kUnknown: return "unmatched";
  }
  return "unmatched";
}

MatchedRoute match_route(std::string_view path) {
  if (path.size() > 1 && path.back() == '/') path.remove_suffix(1);
  if (path.rfind("/api/v1/", 0) == 0) path.remove_prefix(7);
  MatchedRoute m;
  if (path == "/health") m = {Route::kHealth, "GET", {}};
  else if (path == "/ready") m = {Route::kReady, "GET", {}};
  else if (path == "/startup") m = {Route::kStartup, "GET", {}};
  else if (path == "/metrics") m = {Route::kMetrics, "GET", {}};
  else if (path == "/query") m = {Route::kQuery, "POST", {}};
  else if (path == "/search") m = {Route::kSearch, "POST", {}};
  else if (path == "/retrieval") m = {Route::kRetrieval, "GET", {}};
  else if (path == "/documents/upload") m = {Route::kUpload, "POST", {}};
  else if (path == "/documents") m = {Route::kList, "GET, POST", {}};
  else if (path == "/auth/login") m = {Route::kLogin, "POST", {}};
  else if (path.rfind("/documents/", 0) == 0) {
    auto rest = path.substr(11);
    auto slash = rest.find('/');
    if (slash == std::string_view::npos) {
      m = {Route::kDocument, "GET, DELETE", std::string(rest)};
    } else if (rest.substr(slash) == "/status") {
      m = {Route::kStatus, "GET", std::string(rest.substr(0, slash))};
    }
  }
  return m;
}

bool method_allowed(const MatchedRoute& m, std::string_view method) {
  std::string_view allowed = m.allowed;
  size_t pos = 0;
  while (pos < allowed.size()) {
    auto comma = allowed.find(',', pos);
    auto item = allowed.substr(pos, comma == std::string_view::npos ? std::string_view::npos : comma - pos);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    if (item == method) return true;
    if (comma == std::string_view::npos) break;
    pos = comma + 1;
  }
  return method == "HEAD" && allowed.find("GET") != std::string_view::npos;
}

}  // namespace ragscale::serve
