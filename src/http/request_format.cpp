#include "http/request_format.h"

#include "http/message.h"

namespace ragscale::http {

std::string format_request(std::string_view method, std::string_view target, std::string_view host_header,
                           const std::vector<std::pair<std::string, std::string>>& headers, std::string_view body) {
  std::string out;
  out.reserve(64 + target.size() + body.size() + headers.size() * 32);
  out.append(method);
  out.push_back(' ');
  out.append(target.empty() ? std::string_view("/") : target);
  out.append(" HTTP/1.1\r\nHost: ");
  out.append(host_header);
  out.append("\r\n");
  bool has_length = false;
  for (const auto& [name, value] : headers) {
    if (iequals(name, "Host")) continue;
    if (iequals(name, "Content-Length")) has_length = true;
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  bool method_has_body = method == "POST" || method == "PUT" || method == "PATCH";
  if (!has_length && (!body.empty() || method_has_body)) {
    out.append("Content-Length: ");
    out.append(std::to_string(body.size()));
    out.append("\r\n");
  }
  out.append("\r\n");
  out.append(body);
  return out;
}

}  // namespace ragscale::http
