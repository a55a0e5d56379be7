// Fuzz target: HTTP/1.1 requests as the server parses them (HttpParser in request mode,
// headers captured, pipelined messages), fed whole, byte by byte and in random pieces;
// the three parses must agree, also with a head limit small enough to hit mid-message.
// Input: raw bytes from a client.
#include <cstddef>
#include <cstdint>

#include "http_transcript.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale;
  fuzz::HttpParseSetup setup;
  setup.kind = http::HttpParser::Kind::kRequest;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::check_split_invariance(setup, input);
  setup.max_head_bytes = 64;
  fuzz::check_split_invariance(setup, input);
  return 0;
}
