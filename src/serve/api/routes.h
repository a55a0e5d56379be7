// The service's routes: which handler a request path belongs to, which methods it
// accepts, and the route pattern used as its metrics label (never the raw path, so
// metric series stay bounded whatever clients send). Paths are accepted with or without
// the /api/v1 prefix and a trailing slash.
#pragma once

#include <string>
#include <string_view>

namespace ragscale::serve {

enum class Route {
  kHealth,
  kReady,
  kStartup,
  kMetrics,
  kQuery,
  kSearch,
  kRetrieval,
  kUpload,
  kStatus,
  kList,
  kDocument,
  kLogin,
  kUnknown,
};

struct MatchedRoute {
  Route route = Route::kUnknown;
  const char* allowed = "";  // the methods the path accepts, e.g. "GET, DELETE"
  std::string id_text;       // the {id} segment, for document routes
};

MatchedRoute match_route(std::string_view path);
bool method_allowed(const MatchedRoute& matched, std::string_view method);  // HEAD counts as GET
const char* route_label(Route route);

}  // namespace ragscale::serve
