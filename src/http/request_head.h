// RequestHeadReader: the server's strict reader of an HTTP/1.1 request head (request line
// and header fields, up to the blank line), as RFC 9112 asks of a server, so that no two
// parsers on a request's path can disagree about where it ends (request smuggling).
//
// Contract:
// - Feed it the bytes received since the head began, the same prefix growing call by call;
//   it resumes where it stopped, so a head trickled in byte by byte costs linear time.
// - It rejects, with the status to answer (the connection is then closed):
//   400 a bare LF or bare CR, whitespace between a field name and its colon or inside the
//       request line, an obs-folded line, a control character in a value or target,
//       Content-Length together with Transfer-Encoding, differing Content-Length values,
//       a Content-Length that is not a number, Transfer-Encoding on HTTP/1.0, a transfer
//       coding list whose last coding is not chunked, an HTTP/1.1 request without Host
//       (HTTP/1.0 may omit it), more than one Host line, a Host value that is not
//       host[:port] (RFC 9112 3.2);
//   431 a head (every byte through the blank line) over max_head_bytes, or more than
//       max_header_count header fields; 414 a request line alone over max_head_bytes;
//   417 an Expect value other than 100-continue (any case; a list of them is fine, an
//       empty value expects nothing); 100-continue itself is ignored on HTTP/1.0;
//   501 a transfer coding other than chunked; 505 an HTTP version other than 1.0 or 1.1.
//   Errors are found as soon as the offending line is complete, not only at the end.
// - The verdict depends on the bytes alone, never on how they were split into reads:
//   lines are judged in order and only within the first max_head_bytes, so a head with
//   several faults is refused for the first of them by position (a limit reached before
//   a fault counts as that fault).
// - Leading empty lines before a request line are the caller's to skip (RFC 9112 2.2).
// - On success head() holds the method, target, every header (names as sent, values
//   without surrounding whitespace), keep-alive, and the body framing.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "http/message.h"

namespace ragscale::http {

struct HeadLimits {
  size_t max_head_bytes = 16 * 1024;
  size_t max_header_count = 100;
};

class RequestHeadReader {
 public:
  enum class Status { kNeedMore, kDone, kBad };

  explicit RequestHeadReader(HeadLimits limits = {}) : limits_(limits) {}

  // `bytes` starts at the head's first byte. After kDone, head_length() bytes are the head;
  // the rest belongs to the body or the next request.
  Status read(std::string_view bytes);

  // Starts over for the next request (keeps the buffers' capacity).
  void reset();

  MessageHead& head() { return head_; }
  size_t head_length() const { return head_length_; }
  // After kBad: the status to answer with and why.
  int error_status() const { return error_status_; }
  const std::string& error() const { return error_; }

 private:
  Status fail(int status, std::string message);
  bool parse_request_line(std::string_view line);
  bool parse_header_line(std::string_view line);
  bool finish_head();

  HeadLimits limits_;
  MessageHead head_;
  size_t scanned_ = 0;  // bytes already split into lines and checked
  size_t lines_ = 0;
  size_t head_length_ = 0;
  int error_status_ = 0;
  std::string error_;
  bool saw_transfer_encoding_ = false;
  bool chunked_last_ = false;  // the last transfer coding seen so far is chunked
  bool other_coding_ = false;  // a coding other than chunked was named
  int chunked_count_ = 0;
  int host_count_ = 0;
  bool connection_close_ = false;
  bool connection_keep_alive_ = false;
};

// Character classes of RFC 9110: token characters (field names, methods, codings).
bool is_token_char(unsigned char c);
// Allowed inside a field value: HTAB, SP, visible ASCII and obs-text (0x80-0xFF).
bool is_field_value_char(unsigned char c);

}  // namespace ragscale::http
