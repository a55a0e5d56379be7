// The strict chunked-body decoder: framing that must be exact, limits, and pieces.
#include "http/chunked_decoder.h"

#include <gtest/gtest.h>

#include <string>

namespace ragscale::http {
namespace {

struct Decoded {
  ChunkedDecoder::Status status;
  std::string body;
  size_t used = 0;
  std::string error;
};

Decoded decode(const std::string& input, size_t limit = 1 << 20) {
  ChunkedDecoder decoder;
  Decoded out;
  out.used = decoder.feed(input, out.body, limit);
  out.status = decoder.status();
  out.error = decoder.error();
  return out;
}

TEST(ChunkedDecoder, DecodesChunksExtensionsAndTrailersAndStopsAtTheEnd) {
  Decoded out = decode("5\r\nhello\r\n6;name=\"v\"\r\n world\r\nA \r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\nNEXT");
  EXPECT_EQ(out.status, ChunkedDecoder::Status::kDone) << out.error;
  EXPECT_EQ(out.body, "hello world0123456789");
  EXPECT_EQ(out.used, std::string("5\r\nhello\r\n6;name=\"v\"\r\n world\r\nA \r\n0123456789\r\n0\r\nX-Sum: 1\r\n\r\n").size());
}

TEST(ChunkedDecoder, ByteByByteGivesTheSameResult) {
  std::string input = "3\r\nabc\r\n10\r\n0123456789abcdef\r\n0\r\n\r\n";
  ChunkedDecoder decoder;
  std::string body;
  for (char c : input) {
    ASSERT_EQ(decoder.status(), ChunkedDecoder::Status::kNeedMore);
    ASSERT_EQ(decoder.feed(std::string_view(&c, 1), body, 1000), 1u);
  }
  EXPECT_EQ(decoder.status(), ChunkedDecoder::Status::kDone);
  EXPECT_EQ(body, "abc0123456789abcdef");
}

class ChunkedDecoderRejects : public ::testing::TestWithParam<std::pair<const char*, std::string>> {};

TEST_P(ChunkedDecoderRejects, BadFraming) {
  Decoded out = decode(GetParam().second);
  EXPECT_EQ(out.status, ChunkedDecoder::Status::kBad) << GetParam().first;
  EXPECT_FALSE(out.error.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Smuggling, ChunkedDecoderRejects,
    ::testing::Values(std::pair<const char*, std::string>{"BareLfAfterSize", "5\nhello\r\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"CrWithoutLfAfterSize", "5\rXhello\r\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"DataLongerThanSize", "5\r\nhelloXX\r\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"BareLfAfterData", "5\r\nhello\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"NotHex", "g\r\nhello\r\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"SignedSize", "-5\r\nhello\r\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"SizeOverflow", "10000000000000000\r\n"},
                      std::pair<const char*, std::string>{"LfInExtension", "5;a\nb\r\nhello\r\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"ControlInExtension", "5;a\x01\r\nhello\r\n0\r\n\r\n"},
                      std::pair<const char*, std::string>{"ObsFoldedTrailer", "0\r\nX: a\r\n b\r\n\r\n"},
                      std::pair<const char*, std::string>{"TrailerWithoutColon", "0\r\nXa\r\n\r\n"},
                      std::pair<const char*, std::string>{"SpaceBeforeTrailerColon", "0\r\nX : a\r\n\r\n"},
                      std::pair<const char*, std::string>{"BareLfEndsBody", "0\r\n\n"}),
    [](const auto& info) { return std::string(info.param.first); });

TEST(ChunkedDecoder, ABodyOverTheLimitStopsBeforeItsDataIsKept) {
  Decoded out = decode("4\r\nabcd\r\n100000\r\n", 1000);
  EXPECT_EQ(out.status, ChunkedDecoder::Status::kTooLarge);
  EXPECT_EQ(out.body, "abcd");
}

TEST(ChunkedDecoder, EndlessExtensionsAreCut) {
  ChunkedDecoder decoder(1024);
  std::string body;
  decoder.feed("5;" + std::string(2000, 'x'), body, 1000);
  EXPECT_EQ(decoder.status(), ChunkedDecoder::Status::kBad);
}

}  // namespace
}  // namespace ragscale::http
