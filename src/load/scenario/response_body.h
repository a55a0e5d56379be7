// A response body as checks, extraction and polling read it: raw text plus a JSON
// parse done at most once, on first need.
//
// Contract: the ResponseBody does not own the text; it must outlive the object. at()
// returns the value at a JSON pointer ("/answer", "/items/0/id", "" = the whole
// document), or nullptr when the body is not JSON or the pointer does not resolve.
// value_text() renders a JSON value as text: strings raw, anything else as compact JSON
// (numbers too large for a double, which rapidjson may read as infinite, as Infinity).
#pragma once

#include <rapidjson/document.h>

#include <optional>
#include <string>
#include <string_view>

namespace ragscale::scenario {

class ResponseBody {
 public:
  explicit ResponseBody(std::string_view text) : text_(text) {}

  std::string_view text() const { return text_; }
  bool is_json();
  const rapidjson::Value* at(std::string_view pointer);

 private:
  std::string_view text_;
  std::optional<rapidjson::Document> document_;
  bool parsed_ok_ = false;
};

std::string value_text(const rapidjson::Value& value);

// True for "" and strings starting with '/' that rapidjson accepts as a pointer.
bool is_valid_json_pointer(std::string_view pointer);

}  // namespace ragscale::scenario
