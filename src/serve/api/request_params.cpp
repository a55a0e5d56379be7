#include "serve/api/request_params.h"

#include <charconv>
#include <string>

#include "serve/api/api_error.h"

namespace ragscale::serve {

bool is_blank(std::string_view text) { return text.find_first_not_of(" \t\r\n") == std::string_view::npos; }

int64_t query_int(const http::Request& request, const char* name, int64_t min, int64_t max, int64_t fallback) {
  auto value = request.query_param(name);
  if (!value || value->empty()) return fallback;
  int64_t number = 0;
  auto [end, error] = std::from_chars(value->data(), value->data() + value->size(), number);
  if (error != std::errc() || end != value->data() + value->size() || number < min || number > max) {
    throw ApiError(400, std::string("query parameter ") + name + " must be a whole number from " +
                            std::to_string(min) + " to " + std::to_string(max) + ", got \"" + *value + "\"");
  }
  return number;
}

}  // namespace ragscale::serve
