#include "common/bounded_json.h"

#include <rapidjson/error/en.h>
#include <rapidjson/memorystream.h>
#include <rapidjson/encodedstream.h>
#include <rapidjson/reader.h>

namespace ragscale {
namespace {

// Forwards SAX events to the document while counting open arrays and objects; stops
// the parse when they nest deeper than allowed.
class DepthLimitedHandler {
 public:
  DepthLimitedHandler(rapidjson::Document& document, int max_depth) : document_(document), max_depth_(max_depth) {}

  bool Null() { return document_.Null(); }
  bool Bool(bool b) { return document_.Bool(b); }
  bool Int(int i) { return document_.Int(i); }
  bool Uint(unsigned i) { return document_.Uint(i); }
  bool Int64(int64_t i) { return document_.Int64(i); }
  bool Uint64(uint64_t i) { return document_.Uint64(i); }
  bool Double(double d) { return document_.Double(d); }
  bool RawNumber(const char* text, rapidjson::SizeType length, bool copy) {
    return document_.RawNumber(text, length, copy);
  }
  bool String(const char* text, rapidjson::SizeType length, bool copy) { return document_.String(text, length, copy); }
  bool Key(const char* text, rapidjson::SizeType length, bool copy) { return document_.Key(text, length, copy); }
  bool StartObject() { return enter() && document_.StartObject(); }
  bool EndObject(rapidjson::SizeType members) {
    --depth_;
    return document_.EndObject(members);
  }
  bool StartArray() { return enter() && document_.StartArray(); }
  bool EndArray(rapidjson::SizeType elements) {
    --depth_;
    return document_.EndArray(elements);
  }

  bool too_deep() const { return too_deep_; }

 private:
  bool enter() {
    if (++depth_ > max_depth_) {
      too_deep_ = true;
      return false;
    }
    return true;
  }

  rapidjson::Document& document_;
  int max_depth_;
  int depth_ = 0;
  bool too_deep_ = false;
};

}  // namespace

JsonParseResult parse_bounded_json(rapidjson::Document& document, std::string_view text, int max_depth,
                                   bool full_precision) {
  constexpr unsigned kFlags = rapidjson::kParseIterativeFlag | rapidjson::kParseValidateEncodingFlag;
  constexpr unsigned kExactFlags = kFlags | rapidjson::kParseFullPrecisionFlag;
  JsonParseResult result;
  rapidjson::MemoryStream memory(text.data(), text.size());
  rapidjson::EncodedInputStream<rapidjson::UTF8<>, rapidjson::MemoryStream> input(memory);
  rapidjson::Reader reader;
  bool too_deep = false;
  auto generate = [&](rapidjson::Document& target) {
    DepthLimitedHandler handler(target, max_depth);
    bool parsed = full_precision ? !reader.Parse<kExactFlags>(input, handler).IsError()
                                 : !reader.Parse<kFlags>(input, handler).IsError();
    too_deep = handler.too_deep();
    return parsed;
  };
  document.SetNull();
  document.Populate(generate);
  if (!reader.HasParseError()) return result;
  document.SetNull();
  result.offset = reader.GetErrorOffset();
  result.too_deep = too_deep;
  result.message = too_deep ? "JSON nested deeper than " + std::to_string(max_depth) + " levels"
                            : std::string(rapidjson::GetParseError_En(reader.GetParseErrorCode()));
  return result;
}

}  // namespace ragscale
