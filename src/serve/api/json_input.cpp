#include "serve/api/json_input.h"

#include <cmath>

#include "common/bounded_json.h"
#include "serve/api/api_error.h"
#include "serve/text/utf8.h"

namespace ragscale::serve {
namespace {

const char* type_name(const rapidjson::Value& value) {
  if (value.IsNull()) return "null";
  if (value.IsBool()) return "a boolean";
  if (value.IsNumber()) return "a number";
  if (value.IsString()) return "a string";
  if (value.IsArray()) return "an array";
  return "an object";
}

}  // namespace

JsonInput::JsonInput(std::string_view body) {
  if (auto bad = find_invalid_utf8(body)) {
    throw ApiError(400, "request body is not valid UTF-8 (first invalid byte at offset " + std::to_string(*bad) + ")");
  }
  auto parsed = parse_bounded_json(document_, body);
  if (parsed.too_deep) {
    throw ApiError(400, "request body is refused: " + parsed.message + " (at offset " +
                            std::to_string(parsed.offset) + ")");
  }
  if (!parsed.ok()) {
    throw ApiError(400, "request body is not valid JSON: " + parsed.message + " at offset " +
                            std::to_string(parsed.offset));
  }
  if (!document_.IsObject()) {
    throw ApiError(400, std::string("request body must be a JSON object, got ") + type_name(document_));
  }
}

const rapidjson::Value* JsonInput::field(const char* name) const {
  auto found = document_.FindMember(name);
  if (found == document_.MemberEnd() || found->value.IsNull()) return nullptr;
  return &found->value;
}

bool JsonInput::has(const char* name) const { return field(name) != nullptr; }

std::optional<std::string> JsonInput::string(const char* name) const {
  const auto* value = field(name);
  if (!value) return std::nullopt;
  if (!value->IsString()) {
    throw ApiError(400, std::string("field \"") + name + "\" must be a string, got " + type_name(*value));
  }
  return std::string(value->GetString(), value->GetStringLength());
}

std::optional<int64_t> JsonInput::integer(const char* name, int64_t min, int64_t max) const {
  const auto* value = field(name);
  if (!value) return std::nullopt;
  if (!value->IsInt64()) {
    throw ApiError(400, std::string("field \"") + name + "\" must be a whole number, got " +
                            (value->IsNumber() ? "a fraction or an out-of-range number" : type_name(*value)));
  }
  int64_t number = value->GetInt64();
  if (number < min || number > max) {
    throw ApiError(400, std::string("field \"") + name + "\" must be between " + std::to_string(min) + " and " +
                            std::to_string(max) + ", got " + std::to_string(number));
  }
  return number;
}

std::optional<double> JsonInput::number(const char* name, double min, double max) const {
  const auto* value = field(name);
  if (!value) return std::nullopt;
  if (!value->IsNumber()) {
    throw ApiError(400, std::string("field \"") + name + "\" must be a number, got " + type_name(*value));
  }
  double number = value->GetDouble();
  if (!std::isfinite(number) || number < min || number > max) {
    throw ApiError(400, std::string("field \"") + name + "\" must be between " + std::to_string(min) + " and " +
                            std::to_string(max));
  }
  return number;
}

std::optional<bool> JsonInput::boolean(const char* name) const {
  const auto* value = field(name);
  if (!value) return std::nullopt;
  if (!value->IsBool()) {
    throw ApiError(400, std::string("field \"") + name + "\" must be true or false, got " + type_name(*value));
  }
  return value->GetBool();
}

}  // namespace ragscale::serve
