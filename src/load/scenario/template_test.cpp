#include "load/scenario/template.h"

#include <gtest/gtest.h>

#include <map>

namespace ragscale::scenario {
namespace {

class TemplateTest : public ::testing::Test {
 protected:
  TemplateTest() {
    topics_ = std::make_shared<DataSource>("topics", std::vector<std::string>{}, std::vector<std::string>{"ml", "rag", "vectors"});
    users_ = std::make_shared<DataSource>("users", std::vector<std::string>{"name", "password"},
                                          std::vector<std::string>{"ann", "pa", "bob", "pb"});
    users_->slot = 1;
    context_.find_source = [this](std::string_view name) -> std::shared_ptr<const DataSource> {
      if (name == "topics") return topics_;
      if (name == "users") return users_;
      return nullptr;
    };
    context_.getenv = [this](std::string_view name) -> std::optional<std::string> {
      auto found = env_.find(std::string(name));
      if (found == env_.end()) return std::nullopt;
      return found->second;
    };
  }

  std::string render(std::string_view text, Escape escape = Escape::kNone) {
    std::string out;
    ++user_.render_epoch;
    Template::compile(text, escape, context_).render(out, user_, rng_);
    return out;
  }

  std::string error_of(std::string_view text) {
    try {
      Template::compile(text, Escape::kNone, context_);
    } catch (const TemplateError& e) {
      return e.what();
    }
    return "";
  }

  std::shared_ptr<DataSource> topics_, users_;
  std::map<std::string, std::string> env_{{"API_KEY", "k-123"}};
  TemplateContext context_;
  UserState user_;
  Rng rng_{1};
};

TEST_F(TemplateTest, LiteralTextIsStatic) {
  Template compiled = Template::compile("/health", Escape::kUrlPath, context_);
  EXPECT_TRUE(compiled.is_static());
  EXPECT_EQ(compiled.static_text(), "/health");
  EXPECT_EQ(render("/health"), "/health");
}

TEST_F(TemplateTest, EnvIsResolvedAtCompileTimeIntoLiteralText) {
  Template compiled = Template::compile("Bearer {{ env.API_KEY }}", Escape::kHeader, context_);
  EXPECT_TRUE(compiled.is_static());
  EXPECT_EQ(compiled.static_text(), "Bearer k-123");
  EXPECT_EQ(render("{{env.MISSING|fallback}}"), "fallback");
  EXPECT_EQ(render("{{ env.MISSING | \"a b\" }}"), "a b");
  EXPECT_EQ(error_of("{{ env.MISSING }}"),
            "environment variable MISSING is not set; export it or give a default: {{ env.MISSING|default }}");
}

TEST_F(TemplateTest, UserFieldsAndCounter) {
  user_.user_id = 7;
  user_.iteration = 3;
  EXPECT_EQ(render("u{{user_id}}-i{{ iteration }}"), "u7-i3");
  EXPECT_EQ(render("{{ counter() }},{{ counter() }}"), "1,2");
  EXPECT_EQ(render("{{ counter() }}"), "3");
}

TEST_F(TemplateTest, RandomNumbersStayInRange) {
  for (int i = 0; i < 200; ++i) {
    int value = std::stoi(render("{{ randint(1, 8) }}"));
    ASSERT_GE(value, 1);
    ASSERT_LE(value, 8);
    double real = std::stod(render("{{ randfloat(0.5, 1.5) }}"));
    ASSERT_GE(real, 0.5);
    ASSERT_LE(real, 1.5);
  }
}

TEST_F(TemplateTest, UuidIsVersion4) {
  std::string id = render("{{ uuid() }}");
  ASSERT_EQ(id.size(), 36u);
  for (size_t i = 0; i < id.size(); ++i) {
    bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    EXPECT_TRUE(dash ? id[i] == '-' : std::string_view("0123456789abcdef").find(id[i]) != std::string_view::npos) << id;
  }
  EXPECT_EQ(id[14], '4') << "version 4: " << id;
  EXPECT_NE(std::string_view("89ab").find(id[19]), std::string_view::npos) << "RFC 4122 variant: " << id;
  EXPECT_NE(id, render("{{ uuid() }}"));
}

TEST_F(TemplateTest, PickUsesOneRowPerRender) {
  std::map<std::string, int> seen;
  for (int i = 0; i < 300; ++i) {
    std::string pair = render("{{ pick(users).name }}:{{ pick(users).password }}");
    ASSERT_TRUE(pair == "ann:pa" || pair == "bob:pb") << pair;
    ++seen[render("{{ pick(topics) }}")];
  }
  EXPECT_EQ(seen.size(), 3u);
}

TEST_F(TemplateTest, UserDataIsStickyPerUser) {
  user_.user_id = 0;
  EXPECT_EQ(render("{{ user_data.users.name }}"), "ann");
  user_.user_id = 1;
  EXPECT_EQ(render("{{ user_data.users.name }}/{{ user_data.topics }}"), "bob/rag");
  user_.user_id = 2;
  EXPECT_EQ(render("{{ user_data.users.name }}"), "ann");
}

TEST_F(TemplateTest, VarsRenderAndAreCollected) {
  Template compiled = Template::compile("Bearer {{ vars.token }} {{ vars.token }} {{ vars.other }}", Escape::kNone, context_);
  std::vector<std::string> names;
  compiled.collect_vars(names);
  EXPECT_EQ(names, (std::vector<std::string>{"token", "other"}));
  user_.vars["token"] = "abc";
  EXPECT_EQ(render("Bearer {{ vars.token }}"), "Bearer abc");
}

TEST_F(TemplateTest, EscapesPerDestination) {
  user_.vars["v"] = "a b&c/d\"\n";
  EXPECT_EQ(render("{{ vars.v }}", Escape::kUrlComponent), "a%20b%26c%2Fd%22%0A");
  EXPECT_EQ(render("/docs/{{ vars.v }}", Escape::kUrlPath), "/docs/a%20b&c/d%22%0A");
  EXPECT_EQ(render("{{ vars.v }}", Escape::kHeader), "a b&c/d\" ");
  EXPECT_EQ(render("{{ vars.v }}", Escape::kJsonString), "a b&c/d\\\"\\n");
  user_.vars["pct"] = "100%25 and 5%";
  EXPECT_EQ(render("/{{ vars.pct }}", Escape::kUrlPath), "/100%25%20and%205%25");
}

TEST_F(TemplateTest, LiteralTextIsEncodedForItsDestinationToo) {
  user_.vars["v"] = "x";
  EXPECT_EQ(render("say \"{{ vars.v }}\"\n", Escape::kJsonString), "say \\\"x\\\"\\n");
  EXPECT_EQ(render("a b={{ vars.v }}", Escape::kUrlComponent), "a%20b%3Dx");
  EXPECT_EQ(render("/my docs/{{ vars.v }}?q=1", Escape::kUrlPath), "/my%20docs/x?q=1");
}

TEST_F(TemplateTest, JsonValueKeepsNumbersBare) {
  EXPECT_TRUE(is_json_number("-1.5e3"));
  EXPECT_FALSE(is_json_number("01"));
  EXPECT_FALSE(is_json_number("1."));
  EXPECT_EQ(render("{{ randint(4, 4) }}", Escape::kJsonValue), "4");
  user_.vars["name"] = "ann";
  EXPECT_EQ(render("{{ vars.name }}", Escape::kJsonValue), "\"ann\"");
}

TEST_F(TemplateTest, ExplainsBadExpressions) {
  EXPECT_NE(error_of("{{ pik(topics) }}").find("unknown template expression 'pik(topics)'; use one of pick(src)"),
            std::string::npos);
  EXPECT_NE(error_of("{{ pick(nope) }}").find("unknown data source 'nope'"), std::string::npos);
  EXPECT_EQ(error_of("{{ pick(users) }}"),
            "data source 'users' has columns (name, password); name one, e.g. 'pick(users).name'");
  EXPECT_NE(error_of("{{ pick(topics).x }}").find("is a plain list without columns"), std::string::npos);
  EXPECT_NE(error_of("{{ user_data.users.age }}").find("has no column 'age'; columns: name, password"), std::string::npos);
  EXPECT_NE(error_of("{{ randint(1) }}").find("randint() takes 2 arguments, got 1"), std::string::npos);
  EXPECT_NE(error_of("{{ randint(a, 2) }}").find("is not a whole number"), std::string::npos);
  EXPECT_NE(error_of("{{ randint(5, 2) }}").find("needs a <= b"), std::string::npos);
  EXPECT_NE(error_of("x {{ uuid()").find("unclosed '{{'"), std::string::npos);
  EXPECT_NE(error_of("{{ }}").find("empty '{{ }}'"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::scenario
