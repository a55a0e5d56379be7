// ChunkedDecoder: the server's strict decoder of a chunked request body (RFC 9112 7.1).
// Every chunk-size line and every chunk must end in exactly CRLF, sizes are hex digits,
// extensions hold no control characters, trailer fields are checked like header fields
// and then dropped; anything else is a 400, so the end of the body is never guessed.
//
// Contract: feed() the bytes as they arrive; it appends the decoded data to `body` and
// returns how many input bytes it used. It stops at the end of the body (kDone; the rest
// of the input is the next request), on bad framing (kBad, error() says why), or when the
// body would pass `body_limit` (kTooLarge; nothing past the limit is appended). Memory is
// the body alone: lines are checked as they stream by, never buffered.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace ragscale::http {

class ChunkedDecoder {
 public:
  enum class Status { kNeedMore, kDone, kBad, kTooLarge };

  // `max_line_bytes` bounds one chunk-size line (with its extensions) and the trailer
  // section as a whole.
  explicit ChunkedDecoder(size_t max_line_bytes = 16 * 1024) : max_line_bytes_(max_line_bytes) {}

  size_t feed(std::string_view input, std::string& body, size_t body_limit);
  Status status() const { return status_; }
  const std::string& error() const { return error_; }
  void reset();

 private:
  enum class State {
    kSizeStart,     // first hex digit of a chunk size
    kSize,          // more hex digits, BWS, ';' or CR
    kExtension,     // after ';': extension bytes up to CR
    kSizeLf,        // LF after the size line's CR
    kData,          // chunk bytes
    kDataCr,        // CR after chunk data
    kDataLf,        // LF after chunk data
    kTrailerStart,  // a trailer line or the final CRLF
    kTrailer,       // inside a trailer line
    kTrailerLf,     // LF after a trailer line's CR
    kFinalLf,       // LF of the final empty line
  };

  void fail(std::string message);

  size_t max_line_bytes_;
  State state_ = State::kSizeStart;
  Status status_ = Status::kNeedMore;
  std::string error_;
  uint64_t remaining_ = 0;  // bytes of the current chunk still to come
  size_t size_digits_ = 0;
  size_t line_bytes_ = 0;     // of the current size line
  size_t trailer_bytes_ = 0;  // of the whole trailer section
  bool trailer_colon_ = false;
  bool trailer_name_ = false;     // the current trailer line has name characters
  bool size_whitespace_ = false;  // whitespace seen after the size digits
};

}  // namespace ragscale::http
