// Fuzz target: JSON request bodies as the serve API reads them (serve::JsonInput and
// its typed accessors, with the field names and ranges the routes use). Anything but a
// value or ApiError(400) — another exception, a crash — is a finding. Input: a body.
#include <cstddef>
#include <cstdint>

#include "serve/api/api_error.h"
#include "serve/api/json_input.h"

namespace {

template <typename Read>
void tolerate_bad_field(Read read) {
  try {
    read();
  } catch (const ragscale::serve::ApiError& e) {
    if (e.status() != 400) __builtin_trap();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale::serve;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    JsonInput input(body);
    for (const char* name : {"question", "query", "text", "content", "title", "username", "password"}) {
      tolerate_bad_field([&] { (void)input.string(name); });
    }
    for (const char* name : {"top_k", "max_sources"}) {
      tolerate_bad_field([&] { (void)input.integer(name, 1, 50); });
    }
    tolerate_bad_field([&] { (void)input.number("temperature", 0.0, 2.0); });
    tolerate_bad_field([&] { (void)input.boolean("stream"); });
    (void)input.has("question");
  } catch (const ApiError& e) {
    if (e.status() != 400) __builtin_trap();
  }
  return 0;
}
