// put_field(json, key, value): writes one "key": value member with a rapidjson writer
// (Writer or PrettyWriter), the JSON type chosen from the C++ one: numbers (a non-finite
// double or an empty optional becomes null), integers, booleans, strings.
//
// Why: every JSON report (plan, capacity, compare, diagnose) writes many flat members;
// Key() then a typed call per member is two lines each and easy to get wrong (a count
// written as a double, NaN written as an invalid number).
#pragma once

#include <cmath>
#include <concepts>
#include <cstdint>
#include <optional>
#include <string_view>

namespace ragscale {

template <typename Writer>
void put_field(Writer& json, std::string_view key, double value) {
  json.Key(key.data(), static_cast<unsigned>(key.size()));
  if (std::isfinite(value)) {
    json.Double(value);
  } else {
    json.Null();
  }
}

template <typename Writer>
void put_field(Writer& json, std::string_view key, const std::optional<double>& value) {
  if (value) {
    put_field(json, key, *value);
  } else {
    json.Key(key.data(), static_cast<unsigned>(key.size()));
    json.Null();
  }
}

template <typename Writer, std::integral Integer>
void put_field(Writer& json, std::string_view key, Integer value) {
  json.Key(key.data(), static_cast<unsigned>(key.size()));
  if constexpr (std::same_as<Integer, bool>) {
    json.Bool(value);
  } else if constexpr (std::signed_integral<Integer>) {
    json.Int64(static_cast<int64_t>(value));
  } else {
    json.Uint64(static_cast<uint64_t>(value));
  }
}

template <typename Writer>
void put_field(Writer& json, std::string_view key, std::string_view value) {
  json.Key(key.data(), static_cast<unsigned>(key.size()));
  json.String(value.data(), static_cast<unsigned>(value.size()));
}

// A string literal is text, not a bool (which it would otherwise convert to).
template <typename Writer>
void put_field(Writer& json, std::string_view key, const char* value) {
  put_field(json, key, std::string_view(value));
}

}  // namespace ragscale
