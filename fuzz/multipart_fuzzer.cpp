// Fuzz target: multipart/form-data uploads (serve::multipart_boundary and
// parse_multipart). Input: the Content-Type header value, a newline, then the body.
// Malformed bodies may throw std::invalid_argument; each part's body must lie inside
// the request body and never contain the delimiter that ends it.
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>

#include "fuzz_support.h"
#include "serve/api/multipart.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  size_t newline = input.find('\n');
  if (newline == std::string_view::npos) return 0;
  auto boundary = serve::multipart_boundary(input.substr(0, newline));
  if (!boundary) return 0;
  std::string_view body = input.substr(newline + 1);
  try {
    for (const auto& part : serve::parse_multipart(body, *boundary)) {
      if (part.body.data() < body.data() || part.body.data() + part.body.size() > body.data() + body.size()) {
        fuzz::fail("a part's body points outside the request body");
      }
      if (part.body.find("\r\n--" + *boundary) != std::string_view::npos) fuzz::fail("a part's body holds its delimiter");
    }
  } catch (const std::invalid_argument&) {
  }
  return 0;
}
