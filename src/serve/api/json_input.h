// JsonInput: a request body parsed as a JSON object, with typed field access that
// throws ApiError(400) naming the field, the type expected and the type found — so a
// client sending {"question": 42} learns exactly what to fix.
#pragma once

#include <rapidjson/document.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace ragscale::serve {

class JsonInput {
 public:
  // Throws ApiError(400) for invalid UTF-8, invalid JSON (with the offset) or a
  // non-object top level.
  explicit JsonInput(std::string_view body);

  bool has(const char* name) const;
  std::optional<std::string> string(const char* name) const;
  std::optional<int64_t> integer(const char* name, int64_t min, int64_t max) const;
  std::optional<double> number(const char* name, double min, double max) const;
  std::optional<bool> boolean(const char* name) const;

 private:
  const rapidjson::Value* field(const char* name) const;
  rapidjson::Document document_;
};

}  // namespace ragscale::serve
