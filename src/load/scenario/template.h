// Compiled "{{ expr }}" templates: parsed once when the scenario loads, rendered per
// request by appending segments, with no parsing on the hot path.
//
// Expressions (inside {{ }}, spaces allowed):
//   pick(src) / pick(src).col   a random row of a data source; within one rendered
//                               request every pick of the same source uses the same row
//   user_data.src / .src.col    the row sticky to this user (user_id mod rows)
//   randint(a,b) randfloat(a,b) uniform numbers, both ends included
//   uuid()                      a random version-4 UUID
//   counter()                   per-user counter, +1 on each use (starts at 1)
//   user_id, iteration          from UserState
//   env.NAME / env.NAME|default resolved at load time; unset without default = error
//   vars.NAME                   a value extracted earlier by this user
// Each expression segment carries an Escape that says how its text is encoded where it
// lands (URL path, query value, header, JSON string or whole JSON value). kJsonValue
// emits the text bare when it is a JSON number (so "{{ randint(1,8) }}" stays a number)
// and as a quoted JSON string otherwise.
// compile() throws TemplateError with a message saying what is wrong and how to fix it.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "load/scenario/data_source.h"
#include "load/scenario/rng.h"
#include "load/scenario/user_state.h"

namespace ragscale::scenario {

class TemplateError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

enum class Escape { kNone, kHeader, kUrlPath, kUrlComponent, kJsonString, kJsonValue };

// What compile() may refer to: data sources by name and the environment.
struct TemplateContext {
  std::function<std::shared_ptr<const DataSource>(std::string_view name)> find_source;
  std::function<std::optional<std::string>(std::string_view name)> getenv;
};

struct Expression {
  enum class Kind { kPick, kUserData, kRandInt, kRandFloat, kUuid, kCounter, kUserId, kIteration, kVar };
  Kind kind = Kind::kUserId;
  std::shared_ptr<const DataSource> source;
  size_t column = 0;
  int64_t int_low = 0, int_high = 0;
  double real_low = 0, real_high = 0;
  std::string var_name;

  void evaluate(std::string& out, UserState& user, Rng& rng) const;
};

class Template {
 public:
  Template() = default;
  static Template compile(std::string_view text, Escape escape, const TemplateContext& context);
  static Template literal(std::string_view text);

  void append_literal(std::string_view text);
  void append_expression(Expression expression, Escape escape);
  void append(const Template& other);

  bool is_static() const;
  bool empty() const { return parts_.empty(); }
  // True when the template is exactly one expression and nothing else.
  bool is_single_expression() const { return parts_.size() == 1 && parts_[0].is_expression; }
  // The text of a static template (literal parts joined).
  std::string static_text() const;
  // Names used as vars.NAME, appended to names (without duplicates).
  void collect_vars(std::vector<std::string>& names) const;

  void render(std::string& out, UserState& user, Rng& rng) const;

 private:
  struct Part {
    bool is_expression = false;
    std::string literal;
    Expression expression;
    Escape escape = Escape::kNone;
  };
  std::vector<Part> parts_;
};

// Encoders shared with body builders; each appends to out.
void append_escaped(std::string& out, std::string_view text, Escape escape);
bool is_json_number(std::string_view text);

}  // namespace ragscale::scenario
