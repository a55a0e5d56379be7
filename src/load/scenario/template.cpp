#include "load/scenario/template.h"

#include <charconv>
#include <cstdio>
#include <cstdlib>

namespace ragscale::scenario {
namespace {

constexpr std::string_view kKnownExpressions =
    "pick(src), pick(src).col, user_data.src.col, randint(a,b), randfloat(a,b), uuid(), counter(), "
    "user_id, iteration, env.NAME, env.NAME|default, vars.NAME";

[[noreturn]] void fail(std::string message) { throw TemplateError(std::move(message)); }

std::string_view trim(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

bool is_name_char(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
}

bool is_name(std::string_view text) {
  if (text.empty()) return false;
  for (char c : text) {
    if (!is_name_char(c)) return false;
  }
  return true;
}

bool starts_with(std::string_view text, std::string_view prefix) { return text.substr(0, prefix.size()) == prefix; }

// Splits "a, b" of a call's argument list; requires exactly `count` arguments.
std::vector<std::string_view> call_arguments(std::string_view expression, std::string_view function,
                                             size_t count) {
  std::string_view inside = expression.substr(function.size() + 1);
  if (inside.empty() || inside.back() != ')') fail("'" + std::string(expression) + "' is missing its closing ')'");
  inside.remove_suffix(1);
  std::vector<std::string_view> arguments;
  if (!trim(inside).empty()) {
    size_t start = 0;
    while (true) {
      size_t comma = inside.find(',', start);
      arguments.push_back(trim(inside.substr(start, comma == std::string_view::npos ? comma : comma - start)));
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
  }
  if (arguments.size() != count) {
    fail(std::string(function) + "() takes " + std::to_string(count) + " argument" + (count == 1 ? "" : "s") +
         ", got " + std::to_string(arguments.size()) + " in '" + std::string(expression) + "'");
  }
  return arguments;
}

int64_t integer_argument(std::string_view text, std::string_view expression) {
  int64_t value = 0;
  auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), value);
  if (error != std::errc() || end != text.data() + text.size()) {
    fail("'" + std::string(text) + "' in '" + std::string(expression) + "' is not a whole number; e.g. randint(1, 10)");
  }
  return value;
}

double real_argument(std::string_view text, std::string_view expression) {
  std::string copy(text);
  char* end = nullptr;
  double value = std::strtod(copy.c_str(), &end);
  if (copy.empty() || end != copy.c_str() + copy.size()) {
    fail("'" + copy + "' in '" + std::string(expression) + "' is not a number; e.g. randfloat(0.5, 2.5)");
  }
  return value;
}

std::shared_ptr<const DataSource> find_source(std::string_view name, std::string_view expression,
                                              const TemplateContext& context) {
  std::shared_ptr<const DataSource> source = context.find_source ? context.find_source(name) : nullptr;
  if (!source) {
    fail("unknown data source '" + std::string(name) + "' in '" + std::string(expression) +
         "'; declare it under data: (e.g. data: {" + std::string(name) + ": {file: " + std::string(name) + ".txt}})");
  }
  return source;
}

// Resolves the optional ".col" after a source reference.
size_t resolve_column(const DataSource& source, std::string_view column, std::string_view expression) {
  if (column.empty()) {
    if (source.has_named_columns()) {
      std::string columns;
      for (auto& name : source.columns()) columns += (columns.empty() ? "" : ", ") + name;
      fail("data source '" + source.name() + "' has columns (" + columns + "); name one, e.g. '" +
           std::string(expression) + "." + source.columns().front() + "'");
    }
    return 0;
  }
  if (!source.has_named_columns()) {
    fail("data source '" + source.name() + "' is a plain list without columns; drop '." + std::string(column) +
         "' from '" + std::string(expression) + "'");
  }
  int index = source.column_index(column);
  if (index < 0) {
    std::string columns;
    for (auto& name : source.columns()) columns += (columns.empty() ? "" : ", ") + name;
    fail("data source '" + source.name() + "' has no column '" + std::string(column) + "'; columns: " + columns);
  }
  return static_cast<size_t>(index);
}

// Result: either an expression, or (for env.*) literal text resolved now.
struct Compiled {
  std::optional<Expression> expression;
  std::string literal;
};

Compiled compile_expression(std::string_view expression, const TemplateContext& context) {
  Expression result;
  using Kind = Expression::Kind;
  if (starts_with(expression, "env.")) {
    std::string_view rest = expression.substr(4);
    size_t bar = rest.find('|');
    std::string_view name = trim(rest.substr(0, bar));
    if (!is_name(name)) fail("bad environment variable name in '" + std::string(expression) + "'; e.g. env.API_KEY");
    std::optional<std::string> value = context.getenv ? context.getenv(name) : std::nullopt;
    if (value) return {std::nullopt, *value};
    if (bar == std::string_view::npos) {
      fail("environment variable " + std::string(name) + " is not set; export it or give a default: {{ env." +
           std::string(name) + "|default }}");
    }
    std::string_view fallback = trim(rest.substr(bar + 1));
    if (fallback.size() >= 2 && (fallback.front() == '"' || fallback.front() == '\'') &&
        fallback.back() == fallback.front()) {
      fallback = fallback.substr(1, fallback.size() - 2);
    }
    return {std::nullopt, std::string(fallback)};
  }
  if (starts_with(expression, "vars.")) {
    std::string_view name = expression.substr(5);
    if (!is_name(name)) fail("bad variable name in '" + std::string(expression) + "'; e.g. vars.token");
    result.kind = Kind::kVar;
    result.var_name = std::string(name);
    return {result, {}};
  }
  if (starts_with(expression, "user_data.")) {
    std::string_view rest = expression.substr(10);
    size_t dot = rest.find('.');
    std::string_view name = rest.substr(0, dot);
    std::string_view column = dot == std::string_view::npos ? std::string_view() : rest.substr(dot + 1);
    result.kind = Kind::kUserData;
    result.source = find_source(name, expression, context);
    result.column = resolve_column(*result.source, column, expression.substr(0, 10 + name.size()));
    return {result, {}};
  }
  if (starts_with(expression, "pick(")) {
    size_t close = expression.find(')');
    if (close == std::string_view::npos) fail("'" + std::string(expression) + "' is missing its closing ')'");
    std::string_view name = trim(expression.substr(5, close - 5));
    std::string_view after = expression.substr(close + 1);
    std::string_view column;
    if (!after.empty()) {
      if (after.front() != '.') fail("unexpected '" + std::string(after) + "' after pick(...); use pick(src).col");
      column = after.substr(1);
    }
    result.kind = Kind::kPick;
    result.source = find_source(name, expression, context);
    result.column = resolve_column(*result.source, column, expression.substr(0, close + 1));
    return {result, {}};
  }
  if (starts_with(expression, "randint(")) {
    auto arguments = call_arguments(expression, "randint", 2);
    result.kind = Kind::kRandInt;
    result.int_low = integer_argument(arguments[0], expression);
    result.int_high = integer_argument(arguments[1], expression);
    if (result.int_low > result.int_high) fail("randint(a, b) needs a <= b in '" + std::string(expression) + "'");
    return {result, {}};
  }
  if (starts_with(expression, "randfloat(")) {
    auto arguments = call_arguments(expression, "randfloat", 2);
    result.kind = Kind::kRandFloat;
    result.real_low = real_argument(arguments[0], expression);
    result.real_high = real_argument(arguments[1], expression);
    if (result.real_low > result.real_high) fail("randfloat(a, b) needs a <= b in '" + std::string(expression) + "'");
    return {result, {}};
  }
  if (starts_with(expression, "uuid(")) {
    call_arguments(expression, "uuid", 0);
    result.kind = Kind::kUuid;
    return {result, {}};
  }
  if (starts_with(expression, "counter(")) {
    call_arguments(expression, "counter", 0);
    result.kind = Kind::kCounter;
    return {result, {}};
  }
  if (expression == "user_id") {
    result.kind = Kind::kUserId;
    return {result, {}};
  }
  if (expression == "iteration") {
    result.kind = Kind::kIteration;
    return {result, {}};
  }
  fail("unknown template expression '" + std::string(expression) + "'; use one of " + std::string(kKnownExpressions));
}

void append_number(std::string& out, uint64_t value) {
  char buffer[24];
  auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, value);
  out.append(buffer, end);
}

void append_uuid(std::string& out, Rng& rng) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t high = rng.next(), low = rng.next();
  high = (high & ~0xF000ULL) | 0x4000ULL;                          // version 4
  low = (low & ~(0xC000ULL << 48)) | (0x8000ULL << 48);            // RFC 4122 variant
  char text[36];
  int position = 0;
  for (int i = 0; i < 32; ++i) {
    if (i == 8 || i == 12 || i == 16 || i == 20) text[position++] = '-';
    uint64_t word = i < 16 ? high : low;
    int shift = 60 - 4 * (i % 16);
    text[position++] = kHex[(word >> shift) & 0xF];
  }
  out.append(text, sizeof text);
}

uint64_t picked_row(const DataSource& source, UserState& user, Rng& rng) {
  if (user.picked_rows.size() <= source.slot) user.picked_rows.resize(source.slot + 1, {0, 0});
  auto& [epoch, row] = user.picked_rows[source.slot];
  if (epoch != user.render_epoch || epoch == 0) {
    epoch = user.render_epoch;
    row = rng.below(source.rows());
  }
  return row;
}

bool is_hex(char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }

bool is_unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
         c == '.' || c == '~';
}

// Characters a request target may carry as they are (RFC 3986 pchar plus '/' and '?').
bool is_path_safe(unsigned char c) {
  return is_unreserved(c) || std::string_view("!$&'()*+,;=:@/?").find(static_cast<char>(c)) != std::string_view::npos;
}

void append_percent(std::string& out, unsigned char c) {
  static constexpr char kHex[] = "0123456789ABCDEF";
  out += '%';
  out += kHex[c >> 4];
  out += kHex[c & 0xF];
}

void append_json_escaped(std::string& out, std::string_view text) {
  static constexpr char kHex[] = "0123456789abcdef";
  for (char raw : text) {
    unsigned char c = static_cast<unsigned char>(raw);
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\r': out += "\\r"; break;
      case '\t': out += "\\t"; break;
      default:
        if (c < 0x20) {
          out += "\\u00";
          out += kHex[c >> 4];
          out += kHex[c & 0xF];
        } else {
          out += raw;
        }
    }
  }
}

}  // namespace

bool is_json_number(std::string_view text) {
  size_t i = 0, n = text.size();
  if (i < n && text[i] == '-') ++i;
  if (i >= n) return false;
  if (text[i] == '0') {
    ++i;
  } else if (text[i] >= '1' && text[i] <= '9') {
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
  } else {
    return false;
  }
  if (i < n && text[i] == '.') {
    ++i;
    size_t digits = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == digits) return false;
  }
  if (i < n && (text[i] == 'e' || text[i] == 'E')) {
    ++i;
    if (i < n && (text[i] == '+' || text[i] == '-')) ++i;
    size_t digits = i;
    while (i < n && text[i] >= '0' && text[i] <= '9') ++i;
    if (i == digits) return false;
  }
  return i == n;
}

void append_escaped(std::string& out, std::string_view text, Escape escape) {
  switch (escape) {
    case Escape::kNone:
      out.append(text);
      return;
    case Escape::kHeader:
      // A CR or LF would end the header early and corrupt the request.
      for (char c : text) out += (c == '\r' || c == '\n') ? ' ' : c;
      return;
    case Escape::kUrlPath:
      for (size_t i = 0; i < text.size(); ++i) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        bool encoded_already = c == '%' && i + 2 < text.size() && is_hex(text[i + 1]) && is_hex(text[i + 2]);
        if (is_path_safe(c) || encoded_already) {
          out += static_cast<char>(c);
        } else {
          append_percent(out, c);
        }
      }
      return;
    case Escape::kUrlComponent:
      for (char raw : text) {
        unsigned char c = static_cast<unsigned char>(raw);
        if (is_unreserved(c)) {
          out += raw;
        } else {
          append_percent(out, c);
        }
      }
      return;
    case Escape::kJsonString:
      append_json_escaped(out, text);
      return;
    case Escape::kJsonValue:
      if (is_json_number(text)) {
        out.append(text);
      } else {
        out += '"';
        append_json_escaped(out, text);
        out += '"';
      }
      return;
  }
}

void Expression::evaluate(std::string& out, UserState& user, Rng& rng) const {
  switch (kind) {
    case Kind::kPick:
      out.append(source->cell(picked_row(*source, user, rng), column));
      return;
    case Kind::kUserData:
      out.append(source->cell(user.user_id % source->rows(), column));
      return;
    case Kind::kRandInt: {
      char buffer[24];
      auto [end, error] = std::to_chars(buffer, buffer + sizeof buffer, rng.uniform_int(int_low, int_high));
      out.append(buffer, end);
      return;
    }
    case Kind::kRandFloat: {
      char buffer[32];
      int length = std::snprintf(buffer, sizeof buffer, "%.6g", rng.uniform_real(real_low, real_high));
      out.append(buffer, static_cast<size_t>(length));
      return;
    }
    case Kind::kUuid:
      append_uuid(out, rng);
      return;
    case Kind::kCounter:
      append_number(out, ++user.counter);
      return;
    case Kind::kUserId:
      append_number(out, user.user_id);
      return;
    case Kind::kIteration:
      append_number(out, user.iteration);
      return;
    case Kind::kVar: {
      auto found = user.vars.find(var_name);
      if (found != user.vars.end()) out.append(found->second);
      return;
    }
  }
}

namespace {

// Literal text is encoded for its destination just like rendered values, once, here.
std::string encoded_literal(std::string_view text, Escape escape) {
  std::string encoded;
  append_escaped(encoded, text, escape == Escape::kJsonValue ? Escape::kJsonString : escape);
  return encoded;
}

}  // namespace

Template Template::compile(std::string_view text, Escape escape, const TemplateContext& context) {
  Template result;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t open = text.find("{{", pos);
    if (open == std::string_view::npos) {
      result.append_literal(encoded_literal(text.substr(pos), escape));
      break;
    }
    result.append_literal(encoded_literal(text.substr(pos, open - pos), escape));
    size_t close = text.find("}}", open + 2);
    if (close == std::string_view::npos) {
      fail("unclosed '{{' in '" + std::string(text) + "'; close the expression with '}}'");
    }
    std::string_view expression = trim(text.substr(open + 2, close - open - 2));
    if (expression.empty()) fail("empty '{{ }}' in '" + std::string(text) + "'; put an expression inside, e.g. {{ uuid() }}");
    Compiled compiled = compile_expression(expression, context);
    if (compiled.expression) {
      result.append_expression(std::move(*compiled.expression), escape);
    } else {
      // env values are fixed for the whole run, so they become literal text now.
      std::string encoded;
      append_escaped(encoded, compiled.literal, escape);
      result.append_literal(encoded);
    }
    pos = close + 2;
  }
  return result;
}

Template Template::literal(std::string_view text) {
  Template result;
  result.append_literal(text);
  return result;
}

void Template::append_literal(std::string_view text) {
  if (text.empty()) return;
  if (!parts_.empty() && !parts_.back().is_expression) {
    parts_.back().literal.append(text);
    return;
  }
  Part part;
  part.literal = std::string(text);
  parts_.push_back(std::move(part));
}

void Template::append_expression(Expression expression, Escape escape) {
  Part part;
  part.is_expression = true;
  part.expression = std::move(expression);
  part.escape = escape;
  parts_.push_back(std::move(part));
}

void Template::append(const Template& other) {
  for (const Part& part : other.parts_) {
    if (part.is_expression) {
      parts_.push_back(part);
    } else {
      append_literal(part.literal);
    }
  }
}

bool Template::is_static() const {
  for (const Part& part : parts_) {
    if (part.is_expression) return false;
  }
  return true;
}

std::string Template::static_text() const {
  std::string text;
  for (const Part& part : parts_) {
    if (!part.is_expression) text += part.literal;
  }
  return text;
}

void Template::collect_vars(std::vector<std::string>& names) const {
  for (const Part& part : parts_) {
    if (!part.is_expression || part.expression.kind != Expression::Kind::kVar) continue;
    bool known = false;
    for (const auto& name : names) known |= name == part.expression.var_name;
    if (!known) names.push_back(part.expression.var_name);
  }
}

void Template::render(std::string& out, UserState& user, Rng& rng) const {
  for (const Part& part : parts_) {
    if (!part.is_expression) {
      out.append(part.literal);
    } else if (part.escape == Escape::kNone) {
      part.expression.evaluate(out, user, rng);
    } else {
      user.scratch.clear();
      part.expression.evaluate(user.scratch, user, rng);
      append_escaped(out, user.scratch, part.escape);
    }
  }
}

}  // namespace ragscale::scenario
