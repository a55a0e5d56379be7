// The strict request-head reader: what RFC 9112 asks a server to reject, and what it
// must still accept.
#include "http/request_head.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace ragscale::http {
namespace {

struct Outcome {
  RequestHeadReader::Status status;
  int error_status = 0;
  std::string error;
};

Outcome read_all(const std::string& bytes, HeadLimits limits = {}) {
  RequestHeadReader reader(limits);
  auto status = reader.read(bytes);
  return {status, reader.error_status(), reader.error()};
}

TEST(RequestHeadReader, ReadsAWellFormedHead) {
  RequestHeadReader reader;
  std::string bytes =
      "POST /query?x=1 HTTP/1.1\r\nHost: a\r\nContent-Length:  12 \r\nX-Empty:\r\nConnection: keep-alive\r\n\r\nbody";
  ASSERT_EQ(reader.read(bytes), RequestHeadReader::Status::kDone);
  EXPECT_EQ(reader.head_length(), bytes.size() - 4);
  const MessageHead& head = reader.head();
  EXPECT_EQ(head.method, "POST");
  EXPECT_EQ(head.target, "/query?x=1");
  EXPECT_EQ(head.http_minor, 1);
  EXPECT_TRUE(head.has_content_length);
  EXPECT_EQ(head.content_length, 12u);
  EXPECT_TRUE(head.keep_alive);
  EXPECT_FALSE(head.chunked);
  EXPECT_EQ(head.headers.get("content-length").value_or(""), "12");
  EXPECT_EQ(head.headers.get("X-Empty").value_or("?"), "");
  EXPECT_EQ(head.headers.size(), 4u);
}

TEST(RequestHeadReader, KeepAliveFollowsTheVersionAndConnectionHeader) {
  RequestHeadReader reader;
  ASSERT_EQ(reader.read("GET / HTTP/1.0\r\n\r\n"), RequestHeadReader::Status::kDone);
  EXPECT_FALSE(reader.head().keep_alive);
  reader.reset();
  ASSERT_EQ(reader.read("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n"), RequestHeadReader::Status::kDone);
  EXPECT_TRUE(reader.head().keep_alive);
  reader.reset();
  ASSERT_EQ(reader.read("GET / HTTP/1.1\r\nHost: a\r\nConnection: foo, close\r\n\r\n"), RequestHeadReader::Status::kDone);
  EXPECT_FALSE(reader.head().keep_alive);
}

TEST(RequestHeadReader, ResumesAcrossPiecesWithoutRescanning) {
  RequestHeadReader reader;
  std::string bytes = "GET /a HTTP/1.1\r\nHost: x\r\nAccept: */*\r\n\r\n";
  for (size_t end = 1; end < bytes.size(); ++end) {
    ASSERT_EQ(reader.read(std::string_view(bytes).substr(0, end)), RequestHeadReader::Status::kNeedMore) << end;
  }
  ASSERT_EQ(reader.read(bytes), RequestHeadReader::Status::kDone);
  EXPECT_EQ(reader.head().target, "/a");
  EXPECT_EQ(reader.head().headers.size(), 2u);
}

TEST(RequestHeadReader, ExpectContinueOnlyOnHttp11) {
  RequestHeadReader reader;
  ASSERT_EQ(reader.read("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-Continue\r\nContent-Length: 3\r\n\r\n"),
            RequestHeadReader::Status::kDone);
  EXPECT_TRUE(reader.head().expect_continue);
  reader.reset();
  ASSERT_EQ(reader.read("PUT / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 3\r\n\r\n"),
            RequestHeadReader::Status::kDone);
  EXPECT_FALSE(reader.head().expect_continue);
}

TEST(RequestHeadReader, AnEmptyExpectExpectsNothingAndAListOfContinuesIsContinue) {
  RequestHeadReader reader;
  ASSERT_EQ(reader.read("PUT / HTTP/1.1\r\nHost: a\r\nExpect:\r\nContent-Length: 3\r\n\r\n"),
            RequestHeadReader::Status::kDone);
  EXPECT_FALSE(reader.head().expect_continue);
  reader.reset();
  ASSERT_EQ(reader.read("PUT / HTTP/1.1\r\nHost: a\r\nExpect: 100-CONTINUE, 100-continue\r\nContent-Length: 3\r\n\r\n"),
            RequestHeadReader::Status::kDone);
  EXPECT_TRUE(reader.head().expect_continue);
}

TEST(RequestHeadReader, ChunkedFramingAndIdenticalContentLengthsAreAccepted) {
  RequestHeadReader reader;
  ASSERT_EQ(reader.read("POST / HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: Chunked\r\n\r\n"), RequestHeadReader::Status::kDone);
  EXPECT_TRUE(reader.head().chunked);
  EXPECT_TRUE(reader.head().has_body());
  reader.reset();
  ASSERT_EQ(reader.read("POST / HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nContent-Length: 5, 5\r\n\r\n"),
            RequestHeadReader::Status::kDone);
  EXPECT_EQ(reader.head().content_length, 5u);
}

TEST(RequestHeadReader, HostIsRequiredOnHttp11AndOptionalOnHttp10) {
  Outcome missing = read_all("GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
  EXPECT_EQ(missing.status, RequestHeadReader::Status::kBad);
  EXPECT_EQ(missing.error_status, 400);
  EXPECT_NE(missing.error.find("Host"), std::string::npos) << missing.error;
  EXPECT_EQ(read_all("GET / HTTP/1.0\r\nAccept: */*\r\n\r\n").status, RequestHeadReader::Status::kDone);
  // Any spelling of the name; an empty value is what RFC 9112 asks of a client whose
  // target has no authority.
  for (const char* host : {"host: a", "HOST: 127.0.0.1:8000", "Host: [::1]:8080", "Host: xn--bcher-kva.example",
                           "Host:", "Host: a%2Db.example"}) {
    EXPECT_EQ(read_all(std::string("GET / HTTP/1.1\r\n") + host + "\r\n\r\n").status, RequestHeadReader::Status::kDone)
        << host;
  }
}

struct BadHead {
  const char* name;
  std::string bytes;
  int status;
};

void PrintTo(const BadHead& bad, std::ostream* out) { *out << bad.name; }

class RequestHeadReaderRejects : public ::testing::TestWithParam<BadHead> {};

TEST_P(RequestHeadReaderRejects, WithTheRightStatus) {
  const BadHead& bad = GetParam();
  Outcome outcome = read_all(bad.bytes);
  EXPECT_EQ(outcome.status, RequestHeadReader::Status::kBad) << bad.name;
  EXPECT_EQ(outcome.error_status, bad.status) << bad.name << ": " << outcome.error;
  EXPECT_FALSE(outcome.error.empty());
}

const std::string kLine = "POST / HTTP/1.1\r\nHost: a\r\n";

INSTANTIATE_TEST_SUITE_P(
    Smuggling, RequestHeadReaderRejects,
    ::testing::Values(
        BadHead{"SpaceBeforeColon", kLine + "Transfer-Encoding : chunked\r\n\r\n", 400},
        BadHead{"TabBeforeColon", kLine + "Content-Length\t: 5\r\n\r\n", 400},
        BadHead{"BareLfEndsAHeader", kLine + "Content-Length: 5\n\r\n", 400},
        BadHead{"BareLfHead", "GET / HTTP/1.1\nHost: a\n\n", 400},
        BadHead{"BareCrInValue", kLine + "X-A: b\rc\r\n\r\n", 400},
        BadHead{"ObsFold", kLine + "X-A: b\r\n c\r\n\r\n", 400},
        BadHead{"ObsFoldWithTab", kLine + "X-A: b\r\n\tc\r\n\r\n", 400},
        BadHead{"ContentLengthAndTransferEncoding", kLine + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n",
                400},
        BadHead{"DifferingContentLengths", kLine + "Content-Length: 5\r\nContent-Length: 6\r\n\r\n", 400},
        BadHead{"DifferingContentLengthList", kLine + "Content-Length: 5, 6\r\n\r\n", 400},
        BadHead{"SignedContentLength", kLine + "Content-Length: +5\r\n\r\n", 400},
        BadHead{"HexContentLength", kLine + "Content-Length: 0x5\r\n\r\n", 400},
        BadHead{"EmptyContentLength", kLine + "Content-Length: \r\n\r\n", 400},
        BadHead{"HugeContentLength", kLine + "Content-Length: 99999999999999999999999\r\n\r\n", 400},
        BadHead{"ControlCharInValue", kLine + "X-A: b\x01" "c\r\n\r\n", 400},
        BadHead{"NulInValue", kLine + std::string("X-A: b\0c\r\n\r\n", 11), 400},
        BadHead{"DelInValue", kLine + "X-A: b\x7f\r\n\r\n", 400},
        BadHead{"InvalidNameChar", kLine + "X(A): b\r\n\r\n", 400},
        BadHead{"EmptyName", kLine + ": b\r\n\r\n", 400},
        BadHead{"NoColon", kLine + "X-A b\r\n\r\n", 400},
        BadHead{"ChunkedNotLast", kLine + "Transfer-Encoding: chunked, gzip\r\n\r\n", 400},
        BadHead{"ChunkedTwice", kLine + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        BadHead{"UnknownCoding", kLine + "Transfer-Encoding: gzip, chunked\r\n\r\n", 501},
        BadHead{"TransferEncodingOnHttp10", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n", 400},
        BadHead{"TwoSpacesInRequestLine", "GET  / HTTP/1.1\r\n\r\n", 400},
        BadHead{"NoVersion", "GET /\r\n\r\n", 400},
        BadHead{"LowercaseVersion", "GET / http/1.1\r\n\r\n", 400},
        BadHead{"ControlCharInTarget", "GET /a\x01 HTTP/1.1\r\n\r\n", 400},
        BadHead{"NoHost", "POST / HTTP/1.1\r\nContent-Length: 0\r\n\r\n", 400},
        BadHead{"TwoHosts", kLine + "Host: b\r\n\r\n", 400},
        BadHead{"TwoHostsSameValue", kLine + "host: a\r\n\r\n", 400},
        BadHead{"TwoHostsOnHttp10", "GET / HTTP/1.0\r\nHost: a\r\nHost: b\r\n\r\n", 400},
        BadHead{"HostWithSpace", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400},
        BadHead{"HostWithUserinfo", "GET / HTTP/1.1\r\nHost: user@a\r\n\r\n", 400},
        BadHead{"HostWithPath", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400},
        BadHead{"ExpectOther", kLine + "Expect: 200-ok\r\nContent-Length: 1\r\n\r\n", 417},
        BadHead{"ExpectContinueWithAParameter", kLine + "Expect: 100-continue;x=1\r\n\r\n", 417},
        BadHead{"ExpectContinueAndOther", kLine + "Expect: 100-continue, x\r\n\r\n", 417},
        BadHead{"ExpectSecondLineOther", kLine + "Expect: 100-continue\r\nExpect: x\r\n\r\n", 417},
        BadHead{"ExpectOtherOnHttp10", "POST / HTTP/1.0\r\nExpect: x\r\n\r\n", 417},
        BadHead{"Http2", "GET / HTTP/2.0\r\n\r\n", 505},
        BadHead{"Http12", "GET / HTTP/1.2\r\n\r\n", 505}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(RequestHeadReader, ErrorsAreFoundBeforeTheHeadEnds) {
  Outcome outcome = read_all("POST / HTTP/1.1\r\nTransfer-Encoding : chunked\r\nHost: a\r\n");
  EXPECT_EQ(outcome.status, RequestHeadReader::Status::kBad);
  EXPECT_EQ(outcome.error_status, 400);
}

TEST(RequestHeadReader, TheWholeHeadCountsAgainstTheLimit) {
  // 5,000 empty headers: 20 KB of head, though names and values add up to 5 KB.
  std::string head = "GET / HTTP/1.1\r\n";
  for (int i = 0; i < 5000; ++i) head += "X:\r\n";
  head += "\r\n";
  Outcome outcome = read_all(head, HeadLimits{16 * 1024, 100000});
  EXPECT_EQ(outcome.status, RequestHeadReader::Status::kBad);
  EXPECT_EQ(outcome.error_status, 431);
}

TEST(RequestHeadReader, AHeadExactlyAtTheLimitPassesAndOneByteMoreDoesNot) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: ";
  const size_t limit = 256;
  head += std::string(limit - head.size() - 4, 'p');
  head += "\r\n\r\n";
  ASSERT_EQ(head.size(), limit);
  EXPECT_EQ(read_all(head, HeadLimits{limit, 100}).status, RequestHeadReader::Status::kDone);
  EXPECT_EQ(read_all(head, HeadLimits{limit - 1, 100}).error_status, 431);
}

TEST(RequestHeadReader, HeaderCountIsCapped) {
  std::string head = "GET / HTTP/1.1\r\nHost: a\r\n";
  for (int i = 1; i < 100; ++i) head += "X-" + std::to_string(i) + ": v\r\n";
  EXPECT_EQ(read_all(head + "\r\n").status, RequestHeadReader::Status::kDone);
  Outcome outcome = read_all(head + "X-100: v\r\n\r\n");  // the 101st field
  EXPECT_EQ(outcome.status, RequestHeadReader::Status::kBad);
  EXPECT_EQ(outcome.error_status, 431);
}

TEST(RequestHeadReader, AnEndlessHeadIsRefusedAtTheLimitNotBuffered) {
  std::string partial = "GET / HTTP/1.1\r\nX-Long: " + std::string(20000, 'a');
  Outcome outcome = read_all(partial);
  EXPECT_EQ(outcome.status, RequestHeadReader::Status::kBad);
  EXPECT_EQ(outcome.error_status, 431);
  Outcome line = read_all("GET /" + std::string(20000, 'a'));
  EXPECT_EQ(line.error_status, 414);
}

// The verdict on a head is a function of its bytes, not of how TCP cut them into reads:
// every way of splitting each head into two or three pieces (and byte by byte) gives
// the status of the whole. The heads have two faults each (with limits of 64 bytes and
// 4 fields), the kind whose answer used to depend on which fault arrived complete first.
TEST(RequestHeadReader, TheVerdictIsTheSameHoweverTheHeadIsSplit) {
  const HeadLimits limits{64, 4};
  const std::string pad(80, 'p');
  const std::vector<std::pair<const char*, std::string>> heads = {
      {"bare LF past the limit", "GET / HTTP/1.1\r\nHost: a\r\nX-Pad: " + pad + "\n\r\n"},
      {"bare LF ending a long request line", "GET /" + pad + " HTTP/1.1\n\r\n"},
      {"bare LF ending a long first line", "GET /" + pad + "\n"},
      {"NUL in a value past the limit", "GET / HTTP/1.1\r\nHost: a\r\nX: " + pad + std::string(1, '\0') + "\r\n\r\n"},
      {"NUL in a value, then past the limit", "GET / HTTP/1.1\r\nX: \x01\r\n" + pad + "\r\n\r\n"},
      {"a bad name, then past the limit", "GET / HTTP/1.1\r\nX A: b\r\n" + pad},
      {"obs-fold past the limit", "GET / HTTP/1.1\r\nHost: a\r\nX: b\r\n " + pad + "\r\n\r\n"},
      {"too many fields, then a bad one", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD E: 4\r\n\r\n"},
      {"too many fields, then a bare LF", "GET / HTTP/1.1\r\nHost: a\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\n\r\n"},
      {"two Hosts, then past the limit", "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n" + pad},
      {"an unmet Expect, then a bare LF", "GET / HTTP/1.1\r\nExpect: x\r\nY: z\n\r\n"},
      {"no Host and a bad framing", "POST / HTTP/1.1\r\nContent-Length: 1\r\nTransfer-Encoding: chunked\r\n\r\n"},
      {"HTTP/2 with a long target", "GET /" + pad + " HTTP/2.0\r\n\r\n"},
      {"a well-formed head and body", "GET / HTTP/1.1\r\nHost: a\r\n\r\n" + pad},
  };
  // Reads `head` delivered in pieces ending at `cuts` (then the rest), as the server
  // does: the prefix received so far, until a verdict.
  auto verdict = [&](const std::string& head, const std::vector<size_t>& cuts) {
    RequestHeadReader reader(limits);
    auto status = RequestHeadReader::Status::kNeedMore;
    for (size_t end : cuts) {
      status = reader.read(std::string_view(head).substr(0, end));
      if (status != RequestHeadReader::Status::kNeedMore) break;
    }
    if (status == RequestHeadReader::Status::kNeedMore) status = reader.read(head);
    return std::make_pair(status, status == RequestHeadReader::Status::kDone ? 0 : reader.error_status());
  };
  for (const auto& [name, head] : heads) {
    auto whole = verdict(head, {});
    std::vector<size_t> bytes;
    for (size_t end = 1; end < head.size(); ++end) bytes.push_back(end);
    EXPECT_EQ(verdict(head, bytes), whole) << name << ", byte by byte";
    for (size_t first = 1; first < head.size(); ++first) {
      EXPECT_EQ(verdict(head, {first}), whole) << name << ", cut at " << first;
      for (size_t second = first + 1; second < head.size(); ++second) {
        ASSERT_EQ(verdict(head, {first, second}), whole) << name << ", cut at " << first << " and " << second;
      }
    }
  }
}

}  // namespace
}  // namespace ragscale::http
