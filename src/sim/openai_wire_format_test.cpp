#include "sim/openai_wire_format.h"

#include <gtest/gtest.h>
#include <rapidjson/document.h>

#include <vector>

namespace ragscale::sim {
namespace {

rapidjson::Document parse(std::string_view json) {
  rapidjson::Document document;
  std::string text(json);
  EXPECT_FALSE(document.Parse(text.c_str()).HasParseError()) << json;
  return document;
}

// Splits an SSE body into its data payloads, checking the framing on the way.
std::vector<std::string> sse_payloads(const std::string& body) {
  std::vector<std::string> payloads;
  size_t start = 0;
  while (start < body.size()) {
    size_t end = body.find("\n\n", start);
    EXPECT_NE(end, std::string::npos);
    if (end == std::string::npos) break;
    std::string frame = body.substr(start, end - start);
    EXPECT_EQ(frame.rfind("data: ", 0), 0u) << frame;
    EXPECT_EQ(frame.find('\n'), std::string::npos) << frame;
    payloads.push_back(frame.substr(6));
    start = end + 2;
  }
  return payloads;
}

const CompletionIdentity kChat{CompletionKind::kChat, "chatcmpl-abc", 1700000000, "gpt-4o-mini"};
const CompletionIdentity kText{CompletionKind::kText, "cmpl-abc", 1700000000, "davinci"};

void expect_chunk_header(const rapidjson::Value& chunk, const CompletionIdentity& identity) {
  EXPECT_STREQ(chunk["id"].GetString(), identity.id.c_str());
  EXPECT_STREQ(chunk["object"].GetString(),
               identity.kind == CompletionKind::kChat ? "chat.completion.chunk" : "text_completion");
  EXPECT_EQ(chunk["created"].GetInt64(), identity.created);
  EXPECT_STREQ(chunk["model"].GetString(), identity.model.c_str());
  EXPECT_STREQ(chunk["system_fingerprint"].GetString(), std::string(kSystemFingerprint).c_str());
  EXPECT_TRUE(chunk["choices"].IsArray());
}

TEST(SimWireFormat, CompletionIdsHaveOpenAiPrefixes) {
  Random random(1);
  std::string chat = completion_id(CompletionKind::kChat, random);
  EXPECT_EQ(chat.rfind("chatcmpl-", 0), 0u);
  EXPECT_EQ(chat.size(), 9u + 24);
  EXPECT_EQ(completion_id(CompletionKind::kText, random).rfind("cmpl-", 0), 0u);
  EXPECT_NE(completion_id(CompletionKind::kChat, random), chat);
}

TEST(SimWireFormat, ChatCompletionFieldByField) {
  auto doc = parse(completion_json(kChat, "Hello \"world\"\n", "stop", {10, 3}));
  EXPECT_STREQ(doc["id"].GetString(), "chatcmpl-abc");
  EXPECT_STREQ(doc["object"].GetString(), "chat.completion");
  EXPECT_EQ(doc["created"].GetInt64(), 1700000000);
  EXPECT_STREQ(doc["model"].GetString(), "gpt-4o-mini");
  ASSERT_EQ(doc["choices"].Size(), 1u);
  const auto& choice = doc["choices"][0];
  EXPECT_EQ(choice["index"].GetInt(), 0);
  EXPECT_STREQ(choice["message"]["role"].GetString(), "assistant");
  EXPECT_STREQ(choice["message"]["content"].GetString(), "Hello \"world\"\n");
  EXPECT_TRUE(choice["message"]["refusal"].IsNull());
  EXPECT_TRUE(choice["logprobs"].IsNull());
  EXPECT_STREQ(choice["finish_reason"].GetString(), "stop");
  EXPECT_EQ(doc["usage"]["prompt_tokens"].GetInt(), 10);
  EXPECT_EQ(doc["usage"]["completion_tokens"].GetInt(), 3);
  EXPECT_EQ(doc["usage"]["total_tokens"].GetInt(), 13);
}

TEST(SimWireFormat, TextCompletionFieldByField) {
  auto doc = parse(completion_json(kText, "Hi", "length", {2, 1}));
  EXPECT_STREQ(doc["object"].GetString(), "text_completion");
  const auto& choice = doc["choices"][0];
  EXPECT_STREQ(choice["text"].GetString(), "Hi");
  EXPECT_EQ(choice["index"].GetInt(), 0);
  EXPECT_TRUE(choice["logprobs"].IsNull());
  EXPECT_STREQ(choice["finish_reason"].GetString(), "length");
  EXPECT_EQ(doc["usage"]["total_tokens"].GetInt(), 3);
}

TEST(SimWireFormat, ChatStreamWithoutIncludeUsage) {
  StreamChunkFormat format(kChat, false);
  std::string body;
  format.append_opening(body);
  format.append_token(body, "Hel");
  format.append_token(body, "lo \"x\"\n");
  format.append_closing(body, "stop", {5, 2});
  auto payloads = sse_payloads(body);
  ASSERT_EQ(payloads.size(), 5u);
  EXPECT_EQ(payloads.back(), "[DONE]");

  auto role = parse(payloads[0]);
  expect_chunk_header(role, kChat);
  EXPECT_EQ(role["choices"][0]["index"].GetInt(), 0);
  EXPECT_STREQ(role["choices"][0]["delta"]["role"].GetString(), "assistant");
  EXPECT_STREQ(role["choices"][0]["delta"]["content"].GetString(), "");
  EXPECT_TRUE(role["choices"][0]["finish_reason"].IsNull());
  EXPECT_FALSE(role.HasMember("usage"));

  auto second = parse(payloads[2]);
  expect_chunk_header(second, kChat);
  EXPECT_STREQ(second["choices"][0]["delta"]["content"].GetString(), "lo \"x\"\n");
  EXPECT_FALSE(second["choices"][0]["delta"].HasMember("role"));
  EXPECT_TRUE(second["choices"][0]["logprobs"].IsNull());
  EXPECT_TRUE(second["choices"][0]["finish_reason"].IsNull());

  auto last = parse(payloads[3]);
  expect_chunk_header(last, kChat);
  EXPECT_TRUE(last["choices"][0]["delta"].IsObject());
  EXPECT_EQ(last["choices"][0]["delta"].MemberCount(), 0u);
  EXPECT_STREQ(last["choices"][0]["finish_reason"].GetString(), "stop");
  EXPECT_EQ(last["usage"]["prompt_tokens"].GetInt(), 5);
  EXPECT_EQ(last["usage"]["completion_tokens"].GetInt(), 2);
  EXPECT_EQ(last["usage"]["total_tokens"].GetInt(), 7);
}

TEST(SimWireFormat, ChatStreamWithIncludeUsageMatchesOpenAi) {
  StreamChunkFormat format(kChat, true);
  std::string body;
  format.append_opening(body);
  format.append_token(body, "Hi");
  format.append_closing(body, "length", {5, 1});
  auto payloads = sse_payloads(body);
  ASSERT_EQ(payloads.size(), 5u);
  for (size_t i = 0; i < 3; ++i) {
    auto chunk = parse(payloads[i]);
    ASSERT_TRUE(chunk.HasMember("usage"));
    EXPECT_TRUE(chunk["usage"].IsNull());
    EXPECT_EQ(chunk["choices"].Size(), 1u);
  }
  EXPECT_STREQ(parse(payloads[2])["choices"][0]["finish_reason"].GetString(), "length");
  auto usage = parse(payloads[3]);
  expect_chunk_header(usage, kChat);
  EXPECT_EQ(usage["choices"].Size(), 0u);
  EXPECT_EQ(usage["usage"]["total_tokens"].GetInt(), 6);
  EXPECT_EQ(payloads[4], "[DONE]");
}

TEST(SimWireFormat, TextCompletionStream) {
  StreamChunkFormat format(kText, false);
  std::string body;
  format.append_opening(body);
  EXPECT_TRUE(body.empty());
  format.append_token(body, "One");
  format.append_closing(body, "stop", {1, 1});
  auto payloads = sse_payloads(body);
  ASSERT_EQ(payloads.size(), 3u);
  auto token = parse(payloads[0]);
  expect_chunk_header(token, kText);
  EXPECT_STREQ(token["choices"][0]["text"].GetString(), "One");
  EXPECT_EQ(token["choices"][0]["index"].GetInt(), 0);
  EXPECT_TRUE(token["choices"][0]["finish_reason"].IsNull());
  auto last = parse(payloads[1]);
  EXPECT_STREQ(last["choices"][0]["text"].GetString(), "");
  EXPECT_STREQ(last["choices"][0]["finish_reason"].GetString(), "stop");
  EXPECT_EQ(last["usage"]["total_tokens"].GetInt(), 2);
}

TEST(SimWireFormat, EmbeddingsListFieldByField) {
  auto doc = parse(embeddings_json("emb", {{0.6f, 0.8f}, {1.0f, 0.0f}}, false, 4));
  EXPECT_STREQ(doc["object"].GetString(), "list");
  ASSERT_EQ(doc["data"].Size(), 2u);
  EXPECT_STREQ(doc["data"][1]["object"].GetString(), "embedding");
  EXPECT_EQ(doc["data"][1]["index"].GetInt(), 1);
  ASSERT_EQ(doc["data"][0]["embedding"].Size(), 2u);
  EXPECT_FLOAT_EQ(static_cast<float>(doc["data"][0]["embedding"][1].GetDouble()), 0.8f);
  EXPECT_STREQ(doc["model"].GetString(), "emb");
  EXPECT_EQ(doc["usage"]["prompt_tokens"].GetInt(), 4);
  EXPECT_EQ(doc["usage"]["total_tokens"].GetInt(), 4);
  auto b64 = parse(embeddings_json("emb", {{1.0f}}, true, 1));
  EXPECT_STREQ(b64["data"][0]["embedding"].GetString(), "AACAPw==");
}

TEST(SimWireFormat, ModelsAndErrors) {
  auto models = parse(models_json({"a", "b"}, 5));
  EXPECT_STREQ(models["object"].GetString(), "list");
  EXPECT_STREQ(models["data"][1]["id"].GetString(), "b");
  EXPECT_STREQ(models["data"][1]["object"].GetString(), "model");
  EXPECT_EQ(models["data"][1]["created"].GetInt(), 5);
  EXPECT_STREQ(models["data"][1]["owned_by"].GetString(), "ragscale");
  auto error = parse(openai_error_json("bad \"x\"", "invalid_request_error", "messages"));
  EXPECT_STREQ(error["error"]["message"].GetString(), "bad \"x\"");
  EXPECT_STREQ(error["error"]["type"].GetString(), "invalid_request_error");
  EXPECT_STREQ(error["error"]["param"].GetString(), "messages");
  EXPECT_TRUE(error["error"]["code"].IsNull());
  auto limited = parse(openai_error_json("slow down", "requests", "", "rate_limit_exceeded"));
  EXPECT_TRUE(limited["error"]["param"].IsNull());
  EXPECT_STREQ(limited["error"]["code"].GetString(), "rate_limit_exceeded");
}

}  // namespace
}  // namespace ragscale::sim
