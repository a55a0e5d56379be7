// Fuzz target: the server's strict chunked-body decoder (http/chunked_decoder.h). The
// input is the raw body of a chunked request; it is fed whole, byte by byte and in random
// pieces, and the three decodes must agree on the outcome, the decoded body and how many
// bytes the body took. The decoded body never passes its limit.
#include <cstddef>
#include <cstdint>
#include <string>

#include "fuzz_support.h"
#include "http/chunked_decoder.h"

namespace {

using ragscale::http::ChunkedDecoder;

struct Outcome {
  ChunkedDecoder::Status status = ChunkedDecoder::Status::kNeedMore;
  std::string body;
  size_t used = 0;
};

Outcome decode(const std::vector<std::string_view>& pieces, size_t body_limit) {
  ChunkedDecoder decoder(256);
  Outcome outcome;
  for (auto piece : pieces) {
    size_t used = decoder.feed(piece, outcome.body, body_limit);
    outcome.used += used;
    outcome.status = decoder.status();
    if (outcome.status != ChunkedDecoder::Status::kNeedMore) break;
    if (used != piece.size()) ragscale::fuzz::fail("the decoder left input unused while it needs more");
  }
  return outcome;
}

void check(std::string_view input, size_t body_limit) {
  using ragscale::fuzz::fail;
  Outcome whole = decode(ragscale::fuzz::whole(input), body_limit);
  for (const auto& pieces : {ragscale::fuzz::byte_pieces(input), ragscale::fuzz::random_pieces(input)}) {
    Outcome split = decode(pieces, body_limit);
    if (split.status != whole.status) fail("split and whole decodes disagree on the outcome");
    if (whole.status == ChunkedDecoder::Status::kDone && (split.body != whole.body || split.used != whole.used)) {
      fail("split and whole decodes disagree on the body");
    }
  }
  if (whole.body.size() > body_limit) fail("the decoded body passed its limit");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  check(input, 1 << 20);
  check(input, 16);
  return 0;
}
