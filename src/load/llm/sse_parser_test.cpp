#include "load/llm/sse_parser.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ragscale::load::llm {
namespace {

struct Seen {
  std::string name, data;
  bool operator==(const Seen&) const = default;
};

std::vector<Seen> parse_in_pieces(const std::string& stream, const std::vector<size_t>& cuts) {
  SseParser parser;
  std::vector<Seen> seen;
  size_t start = 0;
  auto on_event = [&](const SseEvent& event) { seen.push_back({std::string(event.name), std::string(event.data)}); };
  for (size_t cut : cuts) {
    parser.feed(std::string_view(stream).substr(start, cut - start), on_event);
    start = cut;
  }
  parser.feed(std::string_view(stream).substr(start), on_event);
  return seen;
}

const std::string kStream =
    ": keep-alive comment\r\n"
    "data: {\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}\r\n\r\n"
    "event: token\n"
    "data: line one\n"
    "data:line two\n"
    "\n"
    "id: 7\r"
    "data: cr only\r\r"
    "retry: 100\n"
    "event: done\n"
    "data:\n\n"
    "\n\n"
    "data: [DONE]\n\n";

const std::vector<Seen> kExpected = {
    {"", "{\"choices\":[{\"delta\":{\"content\":\"Hel\"}}]}"},
    {"token", "line one\nline two"},
    {"", "cr only"},
    {"done", ""},
    {"", "[DONE]"},
};

TEST(SseParser, ParsesCommentsMultiLineDataNamesAndEveryLineEnding) {
  EXPECT_EQ(parse_in_pieces(kStream, {}), kExpected);
}

TEST(SseParser, GivesTheSameEventsWhenSplitAtEveryByteOffset) {
  for (size_t cut = 0; cut <= kStream.size(); ++cut) {
    EXPECT_EQ(parse_in_pieces(kStream, {cut}), kExpected) << "split at " << cut;
  }
}

TEST(SseParser, GivesTheSameEventsWhenFedOneByteAtATime) {
  std::vector<size_t> cuts;
  for (size_t i = 1; i < kStream.size(); ++i) cuts.push_back(i);
  EXPECT_EQ(parse_in_pieces(kStream, cuts), kExpected);
}

TEST(SseParser, HoldsAnEventUntilItsBlankLineArrives) {
  SseParser parser;
  int events = 0;
  parser.feed("data: partial\n", [&](const SseEvent&) { ++events; });
  EXPECT_EQ(events, 0);
  parser.feed("\n", [&](const SseEvent& event) {
    ++events;
    EXPECT_EQ(event.data, "partial");
  });
  EXPECT_EQ(events, 1);
}

TEST(SseParser, ResetForgetsAHalfReadEvent) {
  SseParser parser;
  std::vector<std::string> data;
  parser.feed("data: old", [&](const SseEvent& event) { data.emplace_back(event.data); });
  parser.reset();
  parser.feed("data: new\n\n", [&](const SseEvent& event) { data.emplace_back(event.data); });
  EXPECT_EQ(data, std::vector<std::string>{"new"});
}

TEST(SseParser, FailsOnAnEventLargerThanTheBound) {
  SseParser parser;
  std::string huge(SseParser::kMaxEventBytes + 10, 'x');
  parser.feed("data: ", [](const SseEvent&) {});
  parser.feed(huge, [](const SseEvent&) {});
  EXPECT_TRUE(parser.failed());
  int events = 0;
  parser.feed("\n\ndata: x\n\n", [&](const SseEvent&) { ++events; });
  EXPECT_EQ(events, 0);
}

}  // namespace
}  // namespace ragscale::load::llm
