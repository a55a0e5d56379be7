#include "http/chunked_decoder.h"

#include <algorithm>

#include "http/message.h"
#include "http/request_head.h"

namespace ragscale::http {

void ChunkedDecoder::reset() {
  state_ = State::kSizeStart;
  status_ = Status::kNeedMore;
  error_.clear();
  remaining_ = 0;
  size_digits_ = 0;
  line_bytes_ = 0;
  trailer_bytes_ = 0;
  trailer_colon_ = false;
  trailer_name_ = false;
  size_whitespace_ = false;
}

void ChunkedDecoder::fail(std::string message) {
  status_ = Status::kBad;
  error_ = std::move(message);
}

size_t ChunkedDecoder::feed(std::string_view input, std::string& body, size_t body_limit) {
  size_t i = 0;
  while (i < input.size() && status_ == Status::kNeedMore) {
    if (state_ == State::kData) {
      size_t n = static_cast<size_t>(std::min<uint64_t>(remaining_, input.size() - i));
      body.append(input.data() + i, n);
      i += n;
      remaining_ -= n;
      if (remaining_ == 0) state_ = State::kDataCr;
      continue;
    }
    const char c = input[i++];
    switch (state_) {
      case State::kSizeStart: {
        int digit = hex_value(c);
        if (digit < 0) {
          fail("chunk size must start with a hex digit");
          return i;
        }
        remaining_ = static_cast<uint64_t>(digit);
        size_digits_ = 1;
        line_bytes_ = 1;
        size_whitespace_ = false;
        state_ = State::kSize;
        break;
      }
      case State::kSize: {
        if (++line_bytes_ > max_line_bytes_) {
          fail("chunk-size line too long");
          return i;
        }
        int digit = hex_value(c);
        if (digit >= 0 && !size_whitespace_) {
          if (++size_digits_ > 15) {
            fail("chunk size too large");
            return i;
          }
          remaining_ = remaining_ * 16 + static_cast<uint64_t>(digit);
        } else if (c == ' ' || c == '\t') {
          size_whitespace_ = true;
        } else if (c == ';') {
          state_ = State::kExtension;
        } else if (c == '\r') {
          state_ = State::kSizeLf;
        } else {
          fail("invalid character in a chunk size");
          return i;
        }
        break;
      }
      case State::kExtension:
        if (++line_bytes_ > max_line_bytes_) {
          fail("chunk-size line too long");
          return i;
        }
        if (c == '\r') {
          state_ = State::kSizeLf;
        } else if (!is_field_value_char(static_cast<unsigned char>(c))) {
          fail("control character in a chunk extension");
          return i;
        }
        break;
      case State::kSizeLf:
        if (c != '\n') {
          fail("chunk-size line must end with CRLF");
          return i;
        }
        if (remaining_ == 0) {
          state_ = State::kTrailerStart;
        } else if (remaining_ > body_limit || body.size() > body_limit - remaining_) {
          status_ = Status::kTooLarge;
          return i;
        } else {
          state_ = State::kData;
        }
        break;
      case State::kDataCr:
        if (c != '\r') {
          fail("chunk data must be followed by CRLF (wrong chunk size?)");
          return i;
        }
        state_ = State::kDataLf;
        break;
      case State::kDataLf:
        if (c != '\n') {
          fail("chunk data must be followed by CRLF (wrong chunk size?)");
          return i;
        }
        state_ = State::kSizeStart;
        break;
      case State::kTrailerStart:
        if (c == '\r') {
          state_ = State::kFinalLf;
          break;
        }
        if (c == ' ' || c == '\t') {
          fail("obsolete line folding in a trailer");
          return i;
        }
        trailer_colon_ = false;
        trailer_name_ = false;
        state_ = State::kTrailer;
        [[fallthrough]];
      case State::kTrailer:
        if (++trailer_bytes_ > max_line_bytes_) {
          fail("trailer section too large");
          return i;
        }
        if (c == '\r') {
          if (!trailer_colon_) {
            fail("trailer line without a colon");
            return i;
          }
          state_ = State::kTrailerLf;
        } else if (!trailer_colon_) {
          if (c == ':') {
            if (!trailer_name_) {
              fail("trailer line with an empty field name");
              return i;
            }
            trailer_colon_ = true;
          } else if (is_token_char(static_cast<unsigned char>(c))) {
            trailer_name_ = true;
          } else {
            fail("invalid character in a trailer field name");
            return i;
          }
        } else if (!is_field_value_char(static_cast<unsigned char>(c))) {
          fail("invalid character in a trailer field value");
          return i;
        }
        break;
      case State::kTrailerLf:
        if (c != '\n') {
          fail("trailer line must end with CRLF");
          return i;
        }
        state_ = State::kTrailerStart;
        break;
      case State::kFinalLf:
        if (c != '\n') {
          fail("chunked body must end with CRLF");
          return i;
        }
        status_ = Status::kDone;
        return i;
      case State::kData:
        break;  // handled above
    }
  }
  return i;
}

}  // namespace ragscale::http
