// HttpParser: an incremental HTTP/1.1 parser for the client side (responses), built on
// Debian's http-parser (the parser wrk and Node.js used) in its tolerant mode, because
// real servers are sloppy (bare LF, odd whitespace) and a load generator must still
// measure them. Feed it bytes as they arrive; it reports each message's head, body
// pieces and end to a sink. Chunked bodies arrive de-chunked; keep-alive is handled.
// Interim 1xx responses are reported like any other message (the sink skips them).
// The server side does not use it: it reads requests strictly (request_head.h).
//
// Header capture is optional: a load generator that only needs the status and the
// framing skips the cost of copying header strings.
#pragma once

#include <http_parser.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "http/message.h"

namespace ragscale::http {

class MessageSink {
 public:
  virtual ~MessageSink() = default;
  // Return false to reject the message (the parser stops with an error).
  virtual bool on_head(MessageHead& head) = 0;
  virtual bool on_body(std::string_view piece) = 0;
  virtual bool on_complete(bool keep_alive) = 0;
};

class HttpParser {
 public:
  HttpParser(MessageSink* sink, bool capture_headers);
  HttpParser(const HttpParser&) = delete;
  HttpParser& operator=(const HttpParser&) = delete;

  // Parses bytes; returns the number consumed. Fewer than given means an error (see
  // error()) or that the sink asked to pause (on_complete returned false with no error).
  size_t feed(const char* data, size_t length);

  // Signals EOF: completes a response whose body is delimited by connection close.
  void feed_eof();

  bool failed() const;
  std::string error() const;  // human-readable description of the parse error

  // The next response answers a HEAD request: it has no body whatever its headers say.
  void expect_head_response() { head_response_ = true; }

  // Limits for the head (request line + headers) in bytes; larger heads fail.
  void set_max_head_bytes(size_t limit) { max_head_bytes_ = limit; }

  void set_capture_headers(bool capture) { capture_headers_ = capture; }

  // Continues after the sink paused the parser in on_complete.
  void resume() { http_parser_pause(&parser_, 0); }

  void reset();

 private:
  static int on_message_begin(http_parser* p);
  static int on_header_field(http_parser* p, const char* at, size_t length);
  static int on_header_value(http_parser* p, const char* at, size_t length);
  static int on_headers_complete(http_parser* p);
  static int on_body(http_parser* p, const char* at, size_t length);
  static int on_message_complete(http_parser* p);
  bool count_head_bytes(size_t length);
  void flush_header();

  http_parser parser_{};
  http_parser_settings settings_{};
  MessageSink* sink_;
  bool capture_headers_;
  bool head_response_ = false;
  bool sink_rejected_ = false;
  bool head_too_large_ = false;
  MessageHead head_;
  std::string field_;
  std::string value_;
  bool in_value_ = false;
  size_t head_bytes_ = 0;
  size_t max_head_bytes_ = 64 * 1024;
};

}  // namespace ragscale::http
