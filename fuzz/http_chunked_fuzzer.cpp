// Fuzz target: chunked transfer decoding (chunk sizes, extensions, trailers, what
// follows the last chunk), through the response parser: the input is the body of a
// "Transfer-Encoding: chunked" response, fed whole, byte by byte and in random pieces;
// the decoded bodies must agree. Input: the raw chunked body.
#include <cstddef>
#include <cstdint>
#include <string>

#include "http_transcript.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale;
  std::string input = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n";
  input.append(reinterpret_cast<const char*>(data), size);
  fuzz::HttpParseSetup setup;
  fuzz::check_split_invariance(setup, input);
  return 0;
}
