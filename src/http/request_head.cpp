#include "http/request_head.h"

#include <algorithm>
#include <array>
#include <cstring>
#include <optional>

namespace ragscale::http {

namespace {

constexpr std::array<bool, 256> token_table() {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (char c : std::string_view("!#$%&'*+-.^_`|~")) table[static_cast<unsigned char>(c)] = true;
  return table;
}

constexpr std::array<bool, 256> kTokenChars = token_table();

// What a Host value (uri-host [":" port], RFC 9112 3.2 / RFC 3986 3.2.2) is made of:
// unreserved, pct-encoded and sub-delims characters, ':' before the port and the brackets
// of an IP literal. Anything else (whitespace, '/', '@', '?', '#', quotes) cannot name a
// host, and a server that guessed at it could route the request somewhere other than
// where a proxy in front of it did.
constexpr std::array<bool, 256> host_table() {
  std::array<bool, 256> table{};
  for (int c = '0'; c <= '9'; ++c) table[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) table[c] = true;
  for (int c = 'A'; c <= 'Z'; ++c) table[c] = true;
  for (char c : std::string_view("-._~%!$&'()*+,;=:[]")) table[static_cast<unsigned char>(c)] = true;
  return table;
}

constexpr std::array<bool, 256> kHostChars = host_table();

bool is_ows(char c) { return c == ' ' || c == '\t'; }

std::string_view trim_ows(std::string_view text) {
  while (!text.empty() && is_ows(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_ows(text.back())) text.remove_suffix(1);
  return text;
}

// Calls `each` with every non-empty element of a comma-separated list, trimmed.
template <typename Each>
void for_each_list_element(std::string_view list, Each each) {
  while (!list.empty()) {
    size_t comma = list.find(',');
    std::string_view element = trim_ows(list.substr(0, comma));
    if (!element.empty()) each(element);
    if (comma == std::string_view::npos) break;
    list.remove_prefix(comma + 1);
  }
}

// A Content-Length value: digits, or a list of identical digit strings (RFC 9110 8.6).
std::optional<uint64_t> parse_content_length(std::string_view value) {
  std::optional<uint64_t> result;
  bool ok = true;
  for_each_list_element(value, [&](std::string_view element) {
    if (element.size() > 18) ok = false;  // beyond any body we could accept; no overflow below
    uint64_t length = 0;
    for (char c : element) {
      if (c < '0' || c > '9') ok = false;
      length = length * 10 + static_cast<uint64_t>(c - '0');
    }
    if (result && *result != length) ok = false;
    result = length;
  });
  if (!ok) return std::nullopt;
  return result;
}

// A name quoted in an error message, shortened: the message must stay small whatever
// the client sent.
std::string quoted(std::string_view name) {
  constexpr size_t kMax = 64;
  std::string out = "\"";
  for (char c : name.substr(0, kMax)) out.push_back(static_cast<unsigned char>(c) < 0x20 ? '?' : c);
  if (name.size() > kMax) out += "...";
  out += "\"";
  return out;
}

}  // namespace

bool is_token_char(unsigned char c) { return kTokenChars[c]; }

bool is_field_value_char(unsigned char c) { return c == '\t' || (c >= 0x20 && c != 0x7F); }

void RequestHeadReader::reset() {
  head_.status = 0;
  head_.method.clear();
  head_.target.clear();
  head_.headers.clear();
  head_.http_minor = 1;
  head_.keep_alive = true;
  head_.chunked = false;
  head_.content_length = 0;
  head_.has_content_length = false;
  head_.expect_continue = false;
  scanned_ = 0;
  lines_ = 0;
  head_length_ = 0;
  error_status_ = 0;
  error_.clear();
  saw_transfer_encoding_ = false;
  chunked_last_ = false;
  other_coding_ = false;
  chunked_count_ = 0;
  host_count_ = 0;
  connection_close_ = false;
  connection_keep_alive_ = false;
}

RequestHeadReader::Status RequestHeadReader::fail(int status, std::string message) {
  error_status_ = status;
  error_ = std::move(message);
  return Status::kBad;
}

RequestHeadReader::Status RequestHeadReader::read(std::string_view bytes) {
  // Only the first max_head_bytes are ever judged, line by line in order, each once it is
  // complete; past them the head is too large whatever they hold. So the verdict is the
  // first fault by position, the same however the bytes were split into reads: were a
  // line ending past the limit judged when it happened to arrive whole (a bare LF, say),
  // the same head trickled in would be refused as too large instead.
  const size_t window = std::min(bytes.size(), limits_.max_head_bytes);
  while (scanned_ < window) {
    const char* start = bytes.data() + scanned_;
    const void* found = std::memchr(start, '\n', window - scanned_);
    if (found == nullptr) break;
    size_t lf = static_cast<size_t>(static_cast<const char*>(found) - bytes.data());
    if (lf == scanned_ || bytes[lf - 1] != '\r') {
      return fail(400, "line ending without CR (bare LF) in the request head; HTTP lines end with CRLF");
    }
    size_t next = lf + 1;
    std::string_view line = bytes.substr(scanned_, lf - 1 - scanned_);
    scanned_ = next;
    if (lines_ == 0) {
      if (!parse_request_line(line)) return Status::kBad;
      lines_ = 1;
      continue;
    }
    if (line.empty()) {
      head_length_ = next;
      return finish_head() ? Status::kDone : Status::kBad;
    }
    if (lines_ > limits_.max_header_count) {
      return fail(431, "more than " + std::to_string(limits_.max_header_count) + " header fields");
    }
    if (!parse_header_line(line)) return Status::kBad;
    ++lines_;
  }
  if (bytes.size() > limits_.max_head_bytes) {
    if (lines_ == 0) {
      return fail(414, "request line longer than " + std::to_string(limits_.max_head_bytes) + " bytes");
    }
    return fail(431, "request head larger than " + std::to_string(limits_.max_head_bytes) + " bytes");
  }
  return Status::kNeedMore;
}

bool RequestHeadReader::parse_request_line(std::string_view line) {
  size_t method_end = line.find(' ');
  if (method_end == std::string_view::npos || method_end == 0) {
    fail(400, "malformed request line: expected METHOD TARGET HTTP/1.1");
    return false;
  }
  std::string_view method = line.substr(0, method_end);
  for (unsigned char c : method) {
    if (!kTokenChars[c]) {
      fail(400, "malformed request line: invalid character in the method");
      return false;
    }
  }
  size_t target_end = line.find(' ', method_end + 1);
  if (target_end == std::string_view::npos || target_end == method_end + 1) {
    fail(400, "malformed request line: expected METHOD TARGET HTTP/1.1 with single spaces");
    return false;
  }
  std::string_view target = line.substr(method_end + 1, target_end - method_end - 1);
  for (unsigned char c : target) {
    if (c <= 0x20 || c == 0x7F) {
      fail(400, "malformed request line: control character or whitespace in the target");
      return false;
    }
  }
  std::string_view version = line.substr(target_end + 1);
  if (version.size() != 8 || version.substr(0, 5) != "HTTP/" || version[6] != '.' || version[5] < '0' ||
      version[5] > '9' || version[7] < '0' || version[7] > '9') {
    fail(400, "malformed request line: expected HTTP/1.1 or HTTP/1.0 after the target");
    return false;
  }
  if (version[5] != '1' || version[7] > '1') {
    fail(505, "HTTP version " + std::string(version.substr(5)) + " is not supported; use HTTP/1.1");
    return false;
  }
  head_.http_minor = version[7] - '0';
  head_.method.assign(method);
  head_.target.assign(target);
  return true;
}

bool RequestHeadReader::parse_header_line(std::string_view line) {
  if (is_ows(line.front())) {
    fail(400, "obsolete line folding (a header line starting with whitespace) is not accepted");
    return false;
  }
  size_t colon = line.find(':');
  if (colon == std::string_view::npos) {
    fail(400, "header line without a colon");
    return false;
  }
  std::string_view name = line.substr(0, colon);
  if (name.empty()) {
    fail(400, "header line with an empty field name");
    return false;
  }
  for (unsigned char c : name) {
    if (kTokenChars[c]) continue;
    if (is_ows(static_cast<char>(c))) {
      fail(400, "whitespace between the header name " + quoted(trim_ows(name)) + " and its colon");
    } else {
      fail(400, "invalid character in a header name");
    }
    return false;
  }
  std::string_view value = trim_ows(line.substr(colon + 1));
  for (unsigned char c : value) {
    if (!is_field_value_char(c)) {
      fail(400, "invalid character in the value of header " + quoted(name));
      return false;
    }
  }

  switch (name.size()) {
    case 14:
      if (iequals(name, "Content-Length")) {
        auto length = parse_content_length(value);
        if (!length) {
          fail(400, "Content-Length must be one whole number of bytes");
          return false;
        }
        if (head_.has_content_length && head_.content_length != *length) {
          fail(400, "Content-Length given more than once with different values");
          return false;
        }
        head_.has_content_length = true;
        head_.content_length = *length;
      }
      break;
    case 17:
      if (iequals(name, "Transfer-Encoding")) {
        saw_transfer_encoding_ = true;
        for_each_list_element(value, [&](std::string_view coding) {
          if (iequals(coding, "chunked")) {
            ++chunked_count_;
            chunked_last_ = true;
          } else {
            other_coding_ = true;
            chunked_last_ = false;
          }
        });
      }
      break;
    case 10:
      if (iequals(name, "Connection")) {
        for_each_list_element(value, [&](std::string_view option) {
          if (iequals(option, "close"))
            connection_close_ = true;
          else if (iequals(option, "keep-alive"))
            connection_keep_alive_ = true;
        });
      }
      break;
    case 6:
      if (iequals(name, "Expect")) {
        // 100-continue is the only expectation HTTP defines; any other is one we cannot
        // meet, and going ahead as if it were met would mislead the client (RFC 9110
        // 10.1.1). An empty value expects nothing.
        bool unmet = false;
        for_each_list_element(value, [&](std::string_view expectation) {
          if (iequals(expectation, "100-continue"))
            head_.expect_continue = true;
          else
            unmet = true;
        });
        if (unmet) {
          fail(417, "Expect: " + quoted(value) + " cannot be met; the only expectation supported is 100-continue");
          return false;
        }
      }
      break;
    case 4:
      if (iequals(name, "Host")) {
        // Two Host lines name two hosts; which one a proxy in front of us routed by is
        // unknowable (RFC 9112 3.2 asks for 400).
        if (++host_count_ > 1) {
          fail(400, "more than one Host header");
          return false;
        }
        for (unsigned char c : value) {
          if (!kHostChars[c]) {
            fail(400, "invalid Host header: expected host[:port]");
            return false;
          }
        }
      }
      break;
    default:
      break;
  }
  head_.headers.add(std::string(name), std::string(value));
  return true;
}

bool RequestHeadReader::finish_head() {
  if (saw_transfer_encoding_) {
    if (head_.http_minor == 0) {
      fail(400, "Transfer-Encoding is not allowed in an HTTP/1.0 request");
      return false;
    }
    if (head_.has_content_length) {
      fail(400, "Content-Length and Transfer-Encoding together make the body length ambiguous");
      return false;
    }
    if (!chunked_last_ || chunked_count_ != 1) {
      fail(400, "Transfer-Encoding must end with chunked, applied once");
      return false;
    }
    if (other_coding_) {
      fail(501, "only the chunked transfer coding is supported");
      return false;
    }
    head_.chunked = true;
  }
  if (head_.http_minor >= 1 && host_count_ == 0) {
    fail(400, "HTTP/1.1 request without a Host header");
    return false;
  }
  head_.keep_alive = head_.http_minor >= 1 ? !connection_close_ : connection_keep_alive_ && !connection_close_;
  if (head_.http_minor == 0) head_.expect_continue = false;
  return true;
}

}  // namespace ragscale::http
