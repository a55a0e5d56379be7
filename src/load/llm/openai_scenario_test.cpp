#include "load/llm/openai_scenario.h"

#include <gtest/gtest.h>

#include "load/scenario/render.h"

namespace ragscale::load::llm {
namespace {

TEST(OpenAiScenario, AcceptsTheBaseWithOrWithoutV1) {
  EXPECT_EQ(chat_completions_path("/"), "/v1/chat/completions");
  EXPECT_EQ(chat_completions_path(""), "/v1/chat/completions");
  EXPECT_EQ(chat_completions_path("/v1"), "/v1/chat/completions");
  EXPECT_EQ(chat_completions_path("/v1/"), "/v1/chat/completions");
  EXPECT_EQ(chat_completions_path("/api/v1/chat/completions"), "/api/v1/chat/completions");
  EXPECT_EQ(chat_completions_path("/openai"), "/openai/v1/chat/completions");
}

TEST(OpenAiScenario, ReadsLinePromptsAndJsonl) {
  EXPECT_EQ(parse_prompts("hello \"you\"\n\nsecond\r\n", "p.txt", false),
            (std::vector<std::string>{R"([{"role":"user","content":"hello \"you\""}])",
                                      R"([{"role":"user","content":"second"}])"}));
  EXPECT_EQ(parse_prompts(R"({"prompt":"a"}
{"messages":[{"role":"system","content":"s"},{"role":"user","content":"u"}]})",
                          "p.jsonl", true),
            (std::vector<std::string>{R"([{"role":"user","content":"a"}])",
                                      R"([{"role":"system","content":"s"},{"role":"user","content":"u"}])"}));
}

TEST(OpenAiScenario, BadPromptFilesNameTheLine) {
  try {
    parse_prompts("{\"prompt\":\"a\"}\n{\"text\":\"b\"}\n", "p.jsonl", true);
    FAIL();
  } catch (const std::invalid_argument& error) {
    EXPECT_NE(std::string(error.what()).find("p.jsonl:2"), std::string::npos) << error.what();
  }
  EXPECT_THROW(parse_prompts("\n \n", "empty.txt", false), std::invalid_argument);
  EXPECT_THROW(load_prompt_file("/nonexistent/prompts.txt"), std::invalid_argument);
}

TEST(OpenAiScenario, SyntheticPromptsFollowTheLengthDistribution) {
  std::vector<std::string> prompts = synthetic_prompts("normal(200,20)", 200, 5);
  ASSERT_EQ(prompts.size(), 200u);
  double words = 0;
  for (const std::string& prompt : prompts) words += double(std::count(prompt.begin(), prompt.end(), ' ') + 1);
  EXPECT_NEAR(words / 200, 200, 5);
  EXPECT_EQ(synthetic_prompts("10", 3, 9), synthetic_prompts("10", 3, 9));
  EXPECT_THROW(synthetic_prompts("many", 3, 9), std::invalid_argument);
}

TEST(OpenAiScenario, BuildsAStreamedChatRequest) {
  OpenAiSettings settings;
  settings.url = "http://127.0.0.1:8000/v1";
  settings.model = "m\"1";
  settings.prompts = {R"([{"role":"user","content":"hi"}])"};
  settings.max_tokens = 64;
  settings.api_key = "sk-test";
  scenario::Scenario scenario = openai_scenario(settings);
  const scenario::RequestSpec& request = scenario.users[0].tasks[0].steps[0];
  EXPECT_EQ(request.method, "POST");
  EXPECT_TRUE(request.stream);
  EXPECT_FALSE(request.whole_answer);
  EXPECT_EQ(request.target.static_text(), "/v1/chat/completions");
  EXPECT_EQ(request.stats_name, "chat/completions");
  scenario::UserState user;
  scenario::Rng rng(1);
  std::string body;
  request.body.render(body, user, rng);
  EXPECT_EQ(body, R"({"model":"m\"1","messages":[{"role":"user","content":"hi"}],"max_tokens":64,)"
                  R"("stream":true,"stream_options":{"include_usage":true}})");
  bool bearer = false;
  for (const auto& header : request.headers) bearer = bearer || header.value.static_text() == "Bearer sk-test";
  EXPECT_TRUE(bearer);
  settings.stream = false;
  settings.max_tokens.reset();
  body.clear();
  const scenario::Scenario whole = openai_scenario(settings);
  const scenario::RequestSpec& whole_request = whole.users[0].tasks[0].steps[0];
  whole_request.body.render(body, user, rng);
  EXPECT_EQ(body, R"({"model":"m\"1","messages":[{"role":"user","content":"hi"}],"stream":false})");
  EXPECT_FALSE(whole_request.stream);
  EXPECT_TRUE(whole_request.whole_answer);  // its usage tokens are counted
}

}  // namespace
}  // namespace ragscale::load::llm
