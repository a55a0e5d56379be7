// Fuzz target: the Server-Sent Events reader of OpenAI chat streams
// (serve::ChatStreamReader: "data: {json}" lines, comments, [DONE]) fed whole, byte by
// byte and in random pieces. The answer text must not depend on the split, and must be
// exactly the tokens the reader reported. Input: a raw event stream.
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "fuzz_support.h"
#include "serve/backend/chat_generator.h"

namespace {

std::string read_stream(const std::vector<std::string_view>& pieces) {
  std::string tokens;
  ragscale::serve::ChatStreamReader reader([&](std::string_view token) {
    if (token.empty()) ragscale::fuzz::fail("an empty token was reported");
    tokens.append(token);
  });
  for (auto piece : pieces) reader.feed(piece);
  if (reader.text() != tokens) ragscale::fuzz::fail("text() differs from the reported tokens", reader.text() + "\n" + tokens);
  return tokens;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace ragscale;
  std::string_view input(reinterpret_cast<const char*>(data), size);
  std::string reference = read_stream(fuzz::whole(input));
  for (const auto& pieces : {fuzz::byte_pieces(input), fuzz::random_pieces(input)}) {
    if (read_stream(pieces) != reference) fuzz::fail("the answer depends on how the stream was split");
  }
  return 0;
}
