#include "serve/api/json_input.h"

#include <gtest/gtest.h>

#include "serve/api/api_error.h"

namespace ragscale::serve {
namespace {

std::string error_of(auto&& run) {
  try {
    run();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.status(), 400);
    return e.what();
  }
  return "no error";
}

TEST(JsonInputTest, ReadsTypedFields) {
  JsonInput input(R"({"question":"what?","top_k":5,"temperature":0.2,"stream":true,"gone":null})");
  EXPECT_EQ(input.string("question"), "what?");
  EXPECT_EQ(input.integer("top_k", 1, 50), 5);
  EXPECT_DOUBLE_EQ(*input.number("temperature", 0, 2), 0.2);
  EXPECT_EQ(input.boolean("stream"), true);
  EXPECT_FALSE(input.string("missing"));
  EXPECT_FALSE(input.has("gone"));
}

TEST(JsonInputTest, ExplainsWhatIsWrong) {
  EXPECT_NE(error_of([] { JsonInput("{\"a\":"); }).find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of([] { JsonInput("[1,2]"); }).find("must be a JSON object, got an array"), std::string::npos);
  EXPECT_NE(error_of([] { JsonInput("{\"q\":\"\xFF\"}"); }).find("not valid UTF-8"), std::string::npos);
  EXPECT_NE(error_of([] { JsonInput(R"({"q":42})").string("q"); }).find("\"q\" must be a string, got a number"),
            std::string::npos);
  EXPECT_NE(error_of([] { JsonInput(R"({"k":2.5})").integer("k", 1, 9); }).find("whole number"), std::string::npos);
  EXPECT_NE(error_of([] { JsonInput(R"({"k":99})").integer("k", 1, 50); }).find("between 1 and 50"),
            std::string::npos);
  EXPECT_NE(error_of([] { JsonInput(R"({"s":"yes"})").boolean("s"); }).find("true or false"), std::string::npos);
}

// 300,000 '[' fit in an upload body; a recursive parse overflows the thread's stack.
TEST(JsonInputTest, DeepNestingIsA400NotACrash) {
  std::string deep = "{\"text\":" + std::string(300000, '[');
  EXPECT_NE(error_of([&] { JsonInput{deep}; }).find("JSON nested deeper than 64 levels"), std::string::npos);
  std::string shallow = "{\"text\":" + std::string(60, '[') + std::string(60, ']') + "}";
  EXPECT_NO_THROW(JsonInput{shallow});
}

}  // namespace
}  // namespace ragscale::serve
