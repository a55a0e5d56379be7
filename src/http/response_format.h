// Writing HTTP/1.1 responses on the wire: the status line and headers, chunked-encoding
// frames, Server-Sent Events frames, and the JSON error body every ragscale server uses:
// {"error":{"code":"...","message":"..."}}.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "http/message.h"

namespace ragscale::http {

// Appends the status line and headers. With a content_length, a Content-Length header is
// written; without one the caller has added Transfer-Encoding. `close` adds
// "Connection: close".
void append_head(std::string& out, int status, const Headers& headers, std::string_view server_name,
                 std::optional<size_t> content_length, bool close);

// One chunk of a chunked body (a non-empty piece).
void append_chunk(std::string& out, std::string_view data);

// One Server-Sent Events frame: optional "event:" line, then "data:" lines, blank line.
std::string sse_frame(std::string_view data, std::string_view event = {});

// A short machine code for a status ("bad_request", "not_found", ...).
std::string_view error_code_for(int status);

// {"error":{"code":...,"message":...}} with the message JSON-escaped, plus a newline.
std::string error_json(int status, std::string_view message, std::string_view code = {});

// Escapes a string for inclusion inside JSON quotes.
void append_json_escaped(std::string& out, std::string_view text);

}  // namespace ragscale::http
