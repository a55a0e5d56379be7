// parse_bounded_json: parses JSON that came from the network (request bodies, model
// responses) into a rapidjson::Document without letting its shape endanger the process.
//
// Contract:
// - The parse is iterative, so the call stack does not grow with nesting, and nesting
//   deeper than kMaxJsonDepth arrays/objects is refused: a body of 300,000 '[' is an
//   error naming the limit, never a stack overflow.
// - The text must be valid UTF-8.
// - On success the result's ok() is true and `document` holds the value; otherwise
//   `message` says what is wrong (rapidjson's words, or "JSON nested deeper than 64
//   levels") and `offset` where, and `document` is left null.
#pragma once

#include <rapidjson/document.h>

#include <cstddef>
#include <string>
#include <string_view>

namespace ragscale {

inline constexpr int kMaxJsonDepth = 64;

struct JsonParseResult {
  std::string message;  // empty when the text parsed
  size_t offset = 0;
  bool too_deep = false;
  bool ok() const { return message.empty(); }
};

// full_precision: numbers read back exactly as written (for run summaries; rapidjson's
// exact path misreads numbers far beyond a double's range, so untrusted input uses the default).
JsonParseResult parse_bounded_json(rapidjson::Document& document, std::string_view text,
                                   int max_depth = kMaxJsonDepth, bool full_precision = false);

}  // namespace ragscale
