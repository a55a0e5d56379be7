// Fuzz target: HTTP/1.1 responses as the client parses them (HttpParser in response
// mode), with and without header capture and as the answer to a HEAD request, fed
// whole, byte by byte and in random pieces; the parses must agree. Input: raw bytes
// from a server, possibly several pipelined responses, ended by EOF.
#include <cstddef>
#include <cstdint>

#include "http_transcript.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  fuzz::HttpParseSetup setup;
  fuzz::check_split_invariance(setup, input);
  setup.capture_headers = false;
  fuzz::check_split_invariance(setup, input);
  setup.head_response = true;
  fuzz::check_split_invariance(setup, input);
  return 0;
}
