#include "load/llm/stream_event.h"

#include <gtest/gtest.h>

namespace ragscale::load::llm {
namespace {

using Kind = StreamEventInfo::Kind;

TEST(StreamEvent, OpenAiChatChunkWithTextIsContent) {
  auto info = classify_stream_event("", R"({"id":"x","choices":[{"index":0,"delta":{"content":"Hi"},"finish_reason":null}]})");
  EXPECT_EQ(info.kind, Kind::kContent);
  EXPECT_TRUE(info.openai);
  EXPECT_FALSE(info.usage_tokens);
}

TEST(StreamEvent, RoleOnlyAndEmptyContentChunksAreNotContent) {
  EXPECT_EQ(classify_stream_event("", R"({"choices":[{"delta":{"role":"assistant","content":""}}]})").kind, Kind::kOther);
  EXPECT_EQ(classify_stream_event("", R"({"choices":[{"delta":{},"finish_reason":"stop"}]})").kind, Kind::kOther);
}

TEST(StreamEvent, CompletionsTextAndReasoningContentAreContent) {
  EXPECT_EQ(classify_stream_event("", R"({"choices":[{"text":" world","index":0}]})").kind, Kind::kContent);
  EXPECT_EQ(classify_stream_event("", R"({"choices":[{"delta":{"reasoning_content":"hmm"}}]})").kind, Kind::kContent);
}

TEST(StreamEvent, ContentInsideOtherFieldsDoesNotCount) {
  // "content" under a message (not a delta) or in the usage object is not a streamed token.
  EXPECT_EQ(classify_stream_event("", R"({"choices":[{"message":{"content":"x"}}]})").kind, Kind::kOther);
  EXPECT_EQ(classify_stream_event("", R"({"meta":{"text":"x"}})").kind, Kind::kOther);
}

TEST(StreamEvent, UsageChunkReportsCompletionTokens) {
  auto info = classify_stream_event("", R"({"choices":[],"usage":{"prompt_tokens":12,"completion_tokens":50,"total_tokens":62}})");
  EXPECT_EQ(info.kind, Kind::kOther);
  ASSERT_TRUE(info.usage_tokens);
  EXPECT_EQ(*info.usage_tokens, 50u);
  EXPECT_FALSE(classify_stream_event("", R"({"usage":null})").usage_tokens);
}

TEST(StreamEvent, DoneMarkers) {
  EXPECT_EQ(classify_stream_event("", "[DONE]").kind, Kind::kDone);
  EXPECT_EQ(classify_stream_event("", " [DONE] ").kind, Kind::kDone);
  EXPECT_EQ(classify_stream_event("done", R"({"answer":"..."})").kind, Kind::kDone);
}

TEST(StreamEvent, RagscaleServeEvents) {
  auto token = classify_stream_event("token", R"({"text":"RAG"})");
  EXPECT_EQ(token.kind, Kind::kContent);
  EXPECT_TRUE(token.serve);
  EXPECT_EQ(classify_stream_event("fallback", R"({"degraded_reason":"x"})").kind, Kind::kOther);
}

TEST(StreamEvent, GenericShapes) {
  EXPECT_EQ(classify_stream_event("", R"({"token":"a"})").kind, Kind::kContent);
  EXPECT_EQ(classify_stream_event("", "plain text piece").kind, Kind::kContent);
  EXPECT_EQ(classify_stream_event("", "").kind, Kind::kOther);
  EXPECT_EQ(classify_stream_event("", "{not json").kind, Kind::kOther);
}

}  // namespace
}  // namespace ragscale::load::llm
