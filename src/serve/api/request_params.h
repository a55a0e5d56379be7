// Small readers of request fields shared by the routes; each throws ApiError 400 with
// what was wrong and what is accepted.
#pragma once

#include <cstdint>
#include <string_view>

#include "http/message.h"

namespace ragscale::serve {

bool is_blank(std::string_view text);

// The whole-number query parameter `name` in [min, max], or `fallback` when absent.
int64_t query_int(const http::Request& request, const char* name, int64_t min, int64_t max, int64_t fallback);

}  // namespace ragscale::serve
