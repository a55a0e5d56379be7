#include "common/bounded_json.h"

#include <gtest/gtest.h>

#include <string>

namespace ragscale {
namespace {

std::string nested_arrays(size_t depth) { return std::string(depth, '[') + std::string(depth, ']'); }

TEST(BoundedJsonTest, ParsesOrdinaryDocuments) {
  rapidjson::Document document;
  auto result = parse_bounded_json(document, R"({"a":[1,2,{"b":"x"}],"c":null})");
  ASSERT_TRUE(result.ok()) << result.message;
  EXPECT_EQ(document["a"][2]["b"].GetString(), std::string("x"));
}

TEST(BoundedJsonTest, AcceptsNestingUpToTheLimit) {
  rapidjson::Document document;
  EXPECT_TRUE(parse_bounded_json(document, nested_arrays(kMaxJsonDepth)).ok());
  EXPECT_TRUE(document.IsArray());
}

TEST(BoundedJsonTest, RefusesNestingPastTheLimitWithAClearMessage) {
  rapidjson::Document document;
  auto result = parse_bounded_json(document, nested_arrays(kMaxJsonDepth + 1));
  EXPECT_FALSE(result.ok());
  EXPECT_TRUE(result.too_deep);
  EXPECT_EQ(result.message, "JSON nested deeper than 64 levels");
  EXPECT_EQ(result.offset, static_cast<size_t>(kMaxJsonDepth));
  EXPECT_TRUE(document.IsNull());
}

// 300,000 unclosed brackets: a recursive parser overflows the stack here.
TEST(BoundedJsonTest, HugeNestingIsAnErrorNotAStackOverflow) {
  rapidjson::Document document;
  auto result = parse_bounded_json(document, std::string(300000, '['));
  EXPECT_TRUE(result.too_deep);
  std::string objects;
  for (int i = 0; i < 100000; ++i) objects += "{\"a\":";
  result = parse_bounded_json(document, objects);
  EXPECT_TRUE(result.too_deep);
}

TEST(BoundedJsonTest, ReportsSyntaxErrorsAndInvalidUtf8) {
  rapidjson::Document document;
  auto result = parse_bounded_json(document, "{\"a\":}");
  EXPECT_FALSE(result.ok());
  EXPECT_FALSE(result.too_deep);
  EXPECT_EQ(result.offset, 5u);
  EXPECT_FALSE(parse_bounded_json(document, "\"\xff\"").ok());
  EXPECT_FALSE(parse_bounded_json(document, "[1] 2").ok());
  EXPECT_FALSE(parse_bounded_json(document, "").ok());
}

TEST(BoundedJsonTest, ADocumentCanBeReused) {
  rapidjson::Document document;
  ASSERT_FALSE(parse_bounded_json(document, "[[").ok());
  ASSERT_TRUE(parse_bounded_json(document, "[7]").ok());
  EXPECT_EQ(document[0].GetInt(), 7);
}

}  // namespace
}  // namespace ragscale
