// cross_site_refusal: with auth off, any web page the operator visits could make the
// browser POST to the service (a form aimed at http://127.0.0.1:8000 needs no script
// and no permission). This check tells such requests from the service's real clients.
//
// Contract: safe methods (GET, HEAD, OPTIONS) always pass. A state-changing request is
// refused (the reason is returned; the caller answers 403) when
//   - its Origin, or without one its Referer, names a host other than localhost, a
//     127.x.x.x or [::1] address or the host the service listens on ("null" included), or
//   - it carries neither and no API key, has a body a form can send (text/plain,
//     application/x-www-form-urlencoded, multipart/form-data), and the browser marks it
//     cross-site (Sec-Fetch-Site).
// Programs (curl, Python requests, ragscale ingest and load) send none of these headers
// and pass; browsers send Origin on every cross-site POST.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace ragscale::serve {

// Judged on the head alone (method and headers), before any body is read.
std::optional<std::string> cross_site_refusal(std::string_view method, const http::Headers& headers,
                                              std::string_view listen_host);

// Whether a URL or origin ("http://127.0.0.1:8000", "http://localhost/page") names this
// machine or `listen_host`.
bool names_this_service(std::string_view url, std::string_view listen_host);

}  // namespace ragscale::serve
