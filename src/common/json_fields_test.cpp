#include "common/json_fields.h"

#include <gtest/gtest.h>
#include <rapidjson/prettywriter.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <limits>
#include <string>

namespace ragscale {
namespace {

TEST(JsonFields, EachTypeGetsItsJsonType) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> json(buffer);
  json.StartObject();
  put_field(json, "rate", 2.5);
  put_field(json, "count", uint64_t{7});
  put_field(json, "size", size_t{8});
  put_field(json, "delta", -3);
  put_field(json, "ok", true);
  put_field(json, "name", std::string("a \"b\""));
  put_field(json, "literal", "text");
  put_field(json, "none", std::optional<double>());
  put_field(json, "some", std::optional<double>(1.0));
  put_field(json, "nan", std::numeric_limits<double>::quiet_NaN());
  put_field(json, "inf", std::numeric_limits<double>::infinity());
  json.EndObject();
  EXPECT_EQ(std::string(buffer.GetString()),
            R"({"rate":2.5,"count":7,"size":8,"delta":-3,"ok":true,"name":"a \"b\"","literal":"text",)"
            R"("none":null,"some":1.0,"nan":null,"inf":null})");
}

TEST(JsonFields, WorksWithThePrettyWriter) {
  rapidjson::StringBuffer buffer;
  rapidjson::PrettyWriter<rapidjson::StringBuffer> json(buffer);
  json.SetIndent(' ', 1);
  json.StartObject();
  put_field(json, "n", 1);
  json.EndObject();
  EXPECT_EQ(std::string(buffer.GetString()), "{\n \"n\": 1\n}");
}

}  // namespace
}  // namespace ragscale
