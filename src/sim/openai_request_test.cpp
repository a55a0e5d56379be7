#include "sim/openai_request.h"

#include <gtest/gtest.h>

namespace ragscale::sim {
namespace {

// The parameter an invalid body is blamed on, or "accepted".
template <typename Parse>
std::string blamed(Parse parse, std::string_view body) {
  try {
    parse(body, "default-model");
  } catch (const InvalidRequest& e) {
    return e.param().empty() ? std::string("<body>") : e.param();
  }
  return "accepted";
}

TEST(SimOpenAiRequest, ReadsAChatRequest) {
  auto request = parse_chat_request(
      R"({"model":"gpt-4o-mini","messages":[{"role":"system","content":"Use the sources."},)"
      R"({"role":"user","content":[{"type":"text","text":"What is ML?"},{"type":"image_url","image_url":{"url":"x"}}]}],)"
      R"("max_tokens":50,"stream":true,"stream_options":{"include_usage":true},"temperature":0.2})",
      "default-model");
  EXPECT_EQ(request.kind, CompletionKind::kChat);
  EXPECT_EQ(request.model, "gpt-4o-mini");
  EXPECT_EQ(request.prompt, "Use the sources.\nWhat is ML?");
  EXPECT_EQ(request.question, "What is ML?");
  EXPECT_EQ(request.max_tokens, 50u);
  EXPECT_TRUE(request.stream);
  EXPECT_TRUE(request.include_usage);
  // 3 for the reply + 4 per message + the texts' tokens (4 each).
  EXPECT_EQ(request.prompt_tokens, 3u + 4 + 4 + 4 + 4);
}

TEST(SimOpenAiRequest, ChatDefaultsAndMaxCompletionTokens) {
  auto request = parse_chat_request(R"({"messages":[{"role":"user","content":"hi"}],"max_completion_tokens":7})", "dm");
  EXPECT_EQ(request.model, "dm");
  EXPECT_EQ(request.max_tokens, 7u);
  EXPECT_FALSE(request.stream);
  EXPECT_FALSE(request.include_usage);
  auto unbounded = parse_chat_request(R"({"messages":[{"role":"user","content":"hi"}]})", "dm");
  EXPECT_FALSE(unbounded.max_tokens.has_value());
}

TEST(SimOpenAiRequest, BadChatRequestsNameTheParameter) {
  auto parse = parse_chat_request;
  EXPECT_EQ(blamed(parse, "{not json"), "<body>");
  EXPECT_EQ(blamed(parse, "[1,2]"), "<body>");
  EXPECT_EQ(blamed(parse, R"({"model":"m"})"), "messages");
  EXPECT_EQ(blamed(parse, R"({"messages":"hi"})"), "messages");
  EXPECT_EQ(blamed(parse, R"({"messages":[]})"), "messages");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"content":"x"}]})"), "messages[0].role");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"robot","content":"x"}]})"), "messages[0].role");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"user","content":"a"},{"role":"user","content":5}]})"),
            "messages[1].content");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"user"}]})"), "messages[0].content");
  EXPECT_EQ(blamed(parse, R"({"model":5,"messages":[{"role":"user","content":"x"}]})"), "model");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"user","content":"x"}],"max_tokens":"5"})"), "max_tokens");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"user","content":"x"}],"max_tokens":0})"), "max_tokens");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"user","content":"x"}],"stream":"yes"})"), "stream");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"user","content":"x"}],"n":2})"), "n");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"user","content":"x"}],"temperature":"hot"})"), "temperature");
  EXPECT_EQ(blamed(parse, R"({"messages":[{"role":"assistant","content":null},{"role":"user","content":"x"}]})"),
            "accepted");
}

TEST(SimOpenAiRequest, ReadsATextCompletionRequest) {
  auto request = parse_text_completion_request(R"({"model":"m","prompt":"Say hello","stream":true})", "dm");
  EXPECT_EQ(request.kind, CompletionKind::kText);
  EXPECT_EQ(request.prompt, "Say hello");
  EXPECT_EQ(request.prompt_tokens, 2u);
  EXPECT_EQ(request.max_tokens, 16u);  // OpenAI's default
  EXPECT_EQ(parse_text_completion_request(R"({"prompt":["one"]})", "dm").prompt, "one");
  EXPECT_EQ(blamed(parse_text_completion_request, R"({"model":"m"})"), "prompt");
  EXPECT_EQ(blamed(parse_text_completion_request, R"({"prompt":["a","b"]})"), "prompt");
  EXPECT_EQ(blamed(parse_text_completion_request, R"({"prompt":7})"), "prompt");
}

TEST(SimOpenAiRequest, ReadsEmbeddingInputsOfEveryShape) {
  auto one = parse_embedding_request(R"({"model":"e","input":"hello world"})", "dm");
  EXPECT_EQ(one.inputs, std::vector<std::string>{"hello world"});
  EXPECT_EQ(one.prompt_tokens, 2u);
  EXPECT_FALSE(one.base64);
  auto many = parse_embedding_request(R"({"input":["a","b c"],"encoding_format":"base64","dimensions":64})", "dm");
  EXPECT_EQ(many.model, "dm");
  EXPECT_EQ(many.inputs.size(), 2u);
  EXPECT_EQ(many.prompt_tokens, 3u);
  EXPECT_TRUE(many.base64);
  EXPECT_EQ(many.dimensions, 64u);
  EXPECT_EQ(parse_embedding_request(R"({"input":[1,2,3]})", "dm").inputs.size(), 1u);
  EXPECT_EQ(parse_embedding_request(R"({"input":[[1,2],[3]]})", "dm").inputs.size(), 2u);
}

TEST(SimOpenAiRequest, BadEmbeddingRequestsNameTheParameter) {
  auto parse = parse_embedding_request;
  EXPECT_EQ(blamed(parse, R"({"model":"e"})"), "input");
  EXPECT_EQ(blamed(parse, R"({"input":[]})"), "input");
  EXPECT_EQ(blamed(parse, R"({"input":5})"), "input");
  EXPECT_EQ(blamed(parse, R"({"input":["a",5]})"), "input[1]");
  EXPECT_EQ(blamed(parse, R"({"input":"a","encoding_format":"hex"})"), "encoding_format");
  EXPECT_EQ(blamed(parse, R"({"input":"a","dimensions":0})"), "dimensions");
  EXPECT_EQ(blamed(parse, R"({"input":"a","dimensions":1000000})"), "dimensions");
}

// A 400 KB body of '[' overflows the stack of a recursive parser; here it is a 400.
TEST(SimOpenAiRequest, DeepNestingIsRefusedNotACrash) {
  std::string deep = R"({"messages":)" + std::string(400000, '[');
  for (auto parse : {parse_chat_request, parse_text_completion_request}) {
    try {
      parse(deep, "m");
      ADD_FAILURE() << "accepted";
    } catch (const InvalidRequest& e) {
      EXPECT_NE(std::string(e.what()).find("JSON nested deeper than 64 levels"), std::string::npos) << e.what();
    }
  }
  EXPECT_EQ(blamed(parse_embedding_request, R"({"input":)" + std::string(400000, '[')), "<body>");
}

}  // namespace
}  // namespace ragscale::sim
