// Fuzz target: the simulator's OpenAI request bodies (sim::parse_chat_request,
// parse_text_completion_request, parse_embedding_request). The contract allows a
// request or InvalidRequest; any other exception escapes and counts as a crash.
// Input: a JSON body, tried as each of the three requests.
#include <cstddef>
#include <cstdint>

#include "sim/openai_request.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale::sim;
  std::string_view body(reinterpret_cast<const char*>(data), size);
  try {
    (void)parse_chat_request(body, "default-model");
  } catch (const InvalidRequest&) {
  }
  try {
    (void)parse_text_completion_request(body, "default-model");
  } catch (const InvalidRequest&) {
  }
  try {
    (void)parse_embedding_request(body, "default-model");
  } catch (const InvalidRequest&) {
  }
  return 0;
}
