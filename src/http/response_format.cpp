#include "http/response_format.h"

#include <cstdio>

namespace ragscale::http {

void append_head(std::string& out, int status, const Headers& headers, std::string_view server_name,
                 std::optional<size_t> content_length, bool close) {
  out.append("HTTP/1.1 ");
  out.append(std::to_string(status));
  out.push_back(' ');
  out.append(reason_phrase(status));
  out.append("\r\nServer: ");
  out.append(server_name);
  out.append("\r\n");
  for (const auto& [name, value] : headers) {
    out.append(name);
    out.append(": ");
    out.append(value);
    out.append("\r\n");
  }
  if (content_length) {
    out.append("Content-Length: ");
    out.append(std::to_string(*content_length));
    out.append("\r\n");
  }
  if (close) out.append("Connection: close\r\n");
  out.append("\r\n");
}

void append_chunk(std::string& out, std::string_view data) {
  char size[20];
  int n = std::snprintf(size, sizeof size, "%zx\r\n", data.size());
  out.append(size, static_cast<size_t>(n));
  out.append(data);
  out.append("\r\n");
}

std::string sse_frame(std::string_view data, std::string_view event) {
  std::string out;
  out.reserve(data.size() + event.size() + 16);
  if (!event.empty()) {
    out.append("event: ");
    out.append(event);
    out.push_back('\n');
  }
  size_t start = 0;
  for (;;) {
    size_t end = data.find('\n', start);
    out.append("data: ");
    out.append(data.substr(start, end == std::string_view::npos ? std::string_view::npos : end - start));
    out.push_back('\n');
    if (end == std::string_view::npos) break;
    start = end + 1;
  }
  out.push_back('\n');
  return out;
}

std::string_view error_code_for(int status) {
  switch (status) {
    case 400: return "bad_request";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 408: return "request_timeout";
    case 409: return "conflict";
    case 413: return "payload_too_large";
    case 415: return "unsupported_media_type";
    case 417: return "expectation_failed";
    case 422: return "unprocessable_entity";
    case 429: return "rate_limited";
    case 431: return "headers_too_large";
    case 500: return "internal_error";
    case 502: return "bad_gateway";
    case 503: return "unavailable";
    case 504: return "gateway_timeout";
    default: return status >= 500 ? "server_error" : "client_error";
  }
}

void append_json_escaped(std::string& out, std::string_view text) {
  for (char c : text) {
    switch (c) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buffer[8];
          std::snprintf(buffer, sizeof buffer, "\\u%04x", c);
          out.append(buffer);
        } else {
          out.push_back(c);
        }
    }
  }
}

std::string error_json(int status, std::string_view message, std::string_view code) {
  std::string out = "{\"error\":{\"code\":\"";
  append_json_escaped(out, code.empty() ? error_code_for(status) : code);
  out.append("\",\"message\":\"");
  append_json_escaped(out, message);
  out.append("\"}}\n");
  return out;
}

}  // namespace ragscale::http
