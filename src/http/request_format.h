// Writing HTTP/1.1 requests on the wire, for every ragscale client (the load generator,
// the service's backend clients, tests).
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace ragscale::http {

// "METHOD target HTTP/1.1" with Host, the given headers, Content-Length when there is a
// body (or when the method usually carries one), then the body.
std::string format_request(std::string_view method, std::string_view target, std::string_view host_header,
                           const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body);

}  // namespace ragscale::http
