// Test data for the scenario fuzz targets: data sources and an environment whose values
// hold everything an encoder must handle (quotes, backslashes, CR/LF, control bytes,
// percent signs, invalid UTF-8, numbers), and checks that rendered text is what its
// Escape promises.
//
// Contract: check_escaped() aborts (a fuzz crash) when text rendered with an Escape
// could break out of where it lands: CR/LF in a header, an unencoded byte in a URL, a
// JSON string or value that does not parse.
#pragma once

#include <rapidjson/document.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_support.h"
#include "load/scenario/template.h"

namespace ragscale::fuzz {

inline const char* const kAwkwardText[] = {
    "what is rag?", "a \"quoted\" \\ back", "line\r\nbreak", "100", "-1.5e3", "caf\xc3\xa9 \xff\xfe", "%41%zz/?#&=+ ",
    "\x01\x1f\x7f", "", "{{ uuid() }}"};

inline std::shared_ptr<scenario::DataSource> awkward_list() {
  auto source = std::make_shared<scenario::DataSource>(
      "questions", std::vector<std::string>{}, std::vector<std::string>(std::begin(kAwkwardText), std::end(kAwkwardText)));
  source->slot = 0;
  return source;
}

inline std::shared_ptr<scenario::DataSource> awkward_table() {
  auto source = std::make_shared<scenario::DataSource>(
      "users", std::vector<std::string>{"name", "password", "n"},
      std::vector<std::string>{"ann", "p\"w\\", "1", "bob", "line\nbreak", "2e400", "\xc3", "%", "-0"});
  source->slot = 1;
  return source;
}

inline scenario::TemplateContext awkward_context() {
  static const auto list = awkward_list();
  static const auto table = awkward_table();
  scenario::TemplateContext context;
  context.find_source = [](std::string_view name) -> std::shared_ptr<const scenario::DataSource> {
    if (name == list->name()) return list;
    if (name == table->name()) return table;
    return nullptr;
  };
  context.getenv = [](std::string_view name) -> std::optional<std::string> {
    if (name == "HOST") return "http://127.0.0.1:8000/api";
    if (name == "NUM") return "42";
    if (name == "ODD") return "a\"b\\c\r\n%zz\x01";
    return std::nullopt;
  };
  return context;
}

// A user whose every var (and ones named like numbers) has an awkward value.
inline scenario::UserState awkward_user(const std::vector<std::string>& var_names) {
  scenario::UserState user;
  user.user_id = 7;
  user.iteration = 3;
  for (size_t i = 0; i < var_names.size(); ++i) {
    user.vars[var_names[i]] = kAwkwardText[i % std::size(kAwkwardText)];
  }
  return user;
}

inline bool is_hex_digit(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

inline bool is_unreserved(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

// Every '%' starts a %XX escape.
inline bool percent_escapes_complete(std::string_view text) {
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') continue;
    if (i + 2 >= text.size() || !is_hex_digit(text[i + 1]) || !is_hex_digit(text[i + 2])) return false;
  }
  return true;
}

// Parses as one JSON value. Numbers too large for a double are valid JSON, though
// rapidjson refuses them.
inline bool is_json(std::string_view text) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  return !document.HasParseError() || document.GetParseError() == rapidjson::kParseErrorNumberTooBig;
}

// `single_expression`: the template is one {{ expr }} and nothing else, so a kJsonValue
// rendering is a whole JSON value that can be judged on its own.
inline void check_escaped(std::string_view rendered, scenario::Escape escape, bool single_expression) {
  using scenario::Escape;
  switch (escape) {
    case Escape::kNone:
      return;
    case Escape::kHeader:
      if (rendered.find_first_of("\r\n") != std::string_view::npos) fail("CR or LF in a rendered header", rendered);
      return;
    case Escape::kUrlPath:
      for (char c : rendered) {
        if (!is_unreserved(c) && std::string_view("!$&'()*+,;=:@/?%").find(c) == std::string_view::npos) {
          fail("unencoded byte in a rendered URL path", rendered);
        }
      }
      if (!percent_escapes_complete(rendered)) fail("a '%' that is no %XX escape in a rendered URL path", rendered);
      return;
    case Escape::kUrlComponent:
      for (char c : rendered) {
        if (!is_unreserved(c) && c != '%') fail("unencoded byte in a rendered URL component", rendered);
      }
      if (!percent_escapes_complete(rendered)) fail("a '%' that is no %XX escape in a rendered URL component", rendered);
      return;
    case Escape::kJsonString:
      if (!is_json("\"" + std::string(rendered) + "\"")) fail("rendered JSON string text does not parse", rendered);
      return;
    case Escape::kJsonValue:
      if (single_expression && !is_json(rendered)) fail("rendered JSON value does not parse", rendered);
      return;
  }
}

}  // namespace ragscale::fuzz
