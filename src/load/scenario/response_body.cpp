#include "load/scenario/response_body.h"

#include <rapidjson/pointer.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "common/bounded_json.h"

namespace ragscale::scenario {

bool ResponseBody::is_json() {
  if (!document_) {
    document_.emplace();
    // A server's answer is untrusted input: bounded, so a hostile body cannot overflow the stack.
    parsed_ok_ = parse_bounded_json(*document_, text_).ok();
  }
  return parsed_ok_;
}

const rapidjson::Value* ResponseBody::at(std::string_view pointer) {
  if (!is_json()) return nullptr;
  rapidjson::Pointer parsed(pointer.data(), pointer.size());
  if (!parsed.IsValid()) return nullptr;
  return parsed.Get(*document_);
}

std::string value_text(const rapidjson::Value& value) {
  if (value.IsString()) return std::string(value.GetString(), value.GetStringLength());
  rapidjson::StringBuffer buffer;
  // rapidjson reads some numbers beyond a double's range (9223372035e300) as infinite
  // rather than refusing them; its default writer then stops at that number, leaving
  // the text cut off. Writing them as Infinity keeps the rest of the value.
  rapidjson::Writer<rapidjson::StringBuffer, rapidjson::UTF8<>, rapidjson::UTF8<>, rapidjson::CrtAllocator,
                    rapidjson::kWriteNanAndInfFlag>
      writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

bool is_valid_json_pointer(std::string_view pointer) {
  if (pointer.empty()) return true;
  if (pointer.front() != '/') return false;
  return rapidjson::Pointer(pointer.data(), pointer.size()).IsValid();
}

}  // namespace ragscale::scenario
