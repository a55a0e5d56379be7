#include "load/llm/stream_meter.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace ragscale::load::llm {
namespace {

using std::chrono::milliseconds;

std::string chunk(const std::string& text) {
  return "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"" + text + "\"}}]}\n\n";
}

struct Fixture {
  net::TimePoint t0 = net::TimePoint() + std::chrono::seconds(100);
  StreamMeter meter;
  std::vector<uint64_t> gaps;
  void feed(const std::string& piece, milliseconds at) {
    meter.feed(piece, t0 + at, [&](uint64_t gap) { gaps.push_back(gap); });
  }
};

TEST(StreamMeter, MeasuresTtftEveryGapAndTpot) {
  Fixture f;
  f.meter.start(f.t0);
  f.feed("data: {\"choices\":[{\"delta\":{\"role\":\"assistant\",\"content\":\"\"}}]}\n\n", milliseconds(100));
  f.feed(chunk("a"), milliseconds(300));
  f.feed(chunk("b"), milliseconds(320));
  f.feed(chunk("c") + chunk("d"), milliseconds(350));  // two tokens in one read: a zero gap
  f.feed("data: [DONE]\n\n", milliseconds(360));
  ASSERT_TRUE(f.meter.ttft_us());
  EXPECT_EQ(*f.meter.ttft_us(), 300'000u);
  EXPECT_EQ(f.gaps, (std::vector<uint64_t>{20'000, 30'000, 0}));
  EXPECT_EQ(f.meter.max_gap_us(), 30'000u);
  EXPECT_EQ(f.meter.tokens(), 4u);
  // (end - first token) / (tokens - 1) = (400 - 300) / 3 ms
  ASSERT_TRUE(f.meter.tpot_us(f.t0 + milliseconds(400)));
  EXPECT_EQ(*f.meter.tpot_us(f.t0 + milliseconds(400)), 33'333u);
  EXPECT_TRUE(f.meter.done());
  EXPECT_FALSE(f.meter.cut_short());
}

TEST(StreamMeter, UsageTokensWinOverCountedEvents) {
  Fixture f;
  f.meter.start(f.t0);
  f.feed(chunk("two words"), milliseconds(10));
  f.feed(chunk("more"), milliseconds(20));
  f.feed("data: {\"choices\":[],\"usage\":{\"completion_tokens\":5}}\n\ndata: [DONE]\n\n", milliseconds(30));
  EXPECT_EQ(f.meter.content_events(), 2u);
  EXPECT_EQ(f.meter.tokens(), 5u);
  EXPECT_EQ(*f.meter.tpot_us(f.t0 + milliseconds(50)), 10'000u);  // 40 ms / 4
}

TEST(StreamMeter, NoTpotWithOneTokenAndNoTtftWithNone) {
  Fixture f;
  f.meter.start(f.t0);
  EXPECT_FALSE(f.meter.ttft_us());
  f.feed(chunk("only"), milliseconds(5));
  EXPECT_FALSE(f.meter.tpot_us(f.t0 + milliseconds(9)));
  EXPECT_EQ(f.meter.max_gap_us(), 0u);
}

TEST(StreamMeter, AnOpenAiStreamWithoutDoneIsCutShort) {
  Fixture f;
  f.meter.start(f.t0);
  f.feed(chunk("a"), milliseconds(5));
  EXPECT_TRUE(f.meter.cut_short());
  // A generic stream has no end marker to miss.
  f.meter.start(f.t0);
  f.feed("data: plain\n\n", milliseconds(5));
  EXPECT_FALSE(f.meter.cut_short());
  EXPECT_TRUE(f.meter.content_started());
}

TEST(StreamMeter, RagscaleServeStream) {
  Fixture f;
  f.meter.start(f.t0);
  f.feed("event: token\ndata: {\"text\":\"A\"}\n\n", milliseconds(50));
  f.feed("event: token\ndata: {\"text\":\"B\"}\n\n", milliseconds(70));
  EXPECT_TRUE(f.meter.cut_short());
  f.feed("event: done\ndata: {\"answer\":\"AB\"}\n\n", milliseconds(71));
  EXPECT_FALSE(f.meter.cut_short());
  EXPECT_EQ(*f.meter.ttft_us(), 50'000u);
  EXPECT_EQ(f.gaps, std::vector<uint64_t>{20'000});
}

TEST(StreamMeter, StartForgetsThePreviousStream) {
  Fixture f;
  f.meter.start(f.t0);
  f.feed(chunk("a") + "data: [DONE]\n\n", milliseconds(5));
  f.meter.start(f.t0 + milliseconds(100));
  EXPECT_FALSE(f.meter.content_started());
  EXPECT_FALSE(f.meter.done());
  EXPECT_EQ(f.meter.tokens(), 0u);
}

}  // namespace
}  // namespace ragscale::load::llm
