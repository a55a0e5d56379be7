#include "load/scenario/request_body.h"

namespace ragscale::scenario {
namespace {

bool is_whole_template(std::string_view text) {
  return text.size() >= 4 && text.substr(0, 2) == "{{" && text.substr(text.size() - 2) == "}}" &&
         text.find("{{", 2) == std::string_view::npos && text.find("}}") == text.size() - 2;
}

bool is_plain_scalar(const YAML::Node& node) { return node.Tag() == "?"; }

void append_json(Template& out, const YamlReader& reader, const YAML::Node& node, const TemplateContext& context) {
  if (node.IsNull()) {
    out.append_literal("null");
  } else if (node.IsMap()) {
    out.append_literal("{");
    bool first = true;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (!first) out.append_literal(",");
      first = false;
      std::string key = reader.text(it->first, "a JSON key");
      std::string encoded = "\"";
      append_escaped(encoded, key, Escape::kJsonString);
      encoded += "\":";
      out.append_literal(encoded);
      append_json(out, reader, it->second, context);
    }
    out.append_literal("}");
  } else if (node.IsSequence()) {
    out.append_literal("[");
    bool first = true;
    for (const auto& item : node) {
      if (!first) out.append_literal(",");
      first = false;
      append_json(out, reader, item, context);
    }
    out.append_literal("]");
  } else {
    const std::string& text = node.Scalar();
    if (is_plain_scalar(node)) {
      if (is_json_number(text)) return out.append_literal(text);
      if (text == "true" || text == "false" || text == "null") return out.append_literal(text);
      if (text == "~") return out.append_literal("null");
    }
    if (is_whole_template(text)) {
      out.append(compile_text(reader, node, "a JSON value", Escape::kJsonValue, context));
      return;
    }
    out.append_literal("\"");
    out.append(compile_text(reader, node, "a JSON string", Escape::kJsonString, context));
    out.append_literal("\"");
  }
}

std::string url_encoded(std::string_view text) {
  std::string out;
  append_escaped(out, text, Escape::kUrlComponent);
  return out;
}

std::string quoted_disposition_value(std::string_view text) {
  // Quotes and line breaks would end the header parameter early.
  std::string out;
  for (char c : text) out += (c == '"' || c == '\r' || c == '\n') ? '_' : c;
  return out;
}

}  // namespace

Template compile_text(const YamlReader& reader, const YAML::Node& node, std::string_view what, Escape escape,
                      const TemplateContext& context) {
  std::string text = reader.text(node, what);
  try {
    return Template::compile(text, escape, context);
  } catch (const TemplateError& e) {
    reader.fail(node, e.what());
  }
}

CompiledBody compile_json_body(const YamlReader& reader, const YAML::Node& node, const TemplateContext& context) {
  CompiledBody compiled;
  append_json(compiled.body, reader, node, context);
  compiled.content_type = "application/json";
  return compiled;
}

CompiledBody compile_form_body(const YamlReader& reader, const YAML::Node& node, const TemplateContext& context) {
  reader.expect_map(node, "form");
  CompiledBody compiled;
  bool first = true;
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string key = reader.text(it->first, "a form field name");
    compiled.body.append_literal((first ? "" : "&") + url_encoded(key) + "=");
    first = false;
    compiled.body.append(compile_text(reader, it->second, "form field '" + key + "'", Escape::kUrlComponent, context));
  }
  compiled.content_type = "application/x-www-form-urlencoded";
  return compiled;
}

CompiledBody compile_multipart_body(const YamlReader& reader, const YAML::Node& node, const TemplateContext& context) {
  reader.expect_map(node, "multipart");
  CompiledBody compiled;
  const std::string delimiter = "--" + std::string(kMultipartBoundary) + "\r\n";
  for (auto it = node.begin(); it != node.end(); ++it) {
    std::string field = reader.text(it->first, "a multipart field name");
    const YAML::Node value = it->second;
    std::string head = delimiter + "Content-Disposition: form-data; name=\"" + quoted_disposition_value(field) + "\"";
    if (value.IsMap()) {
      std::string what = "multipart file '" + field + "'";
      reader.check_keys(value, what, {"filename", "content", "content_type"});
      if (!value["filename"]) reader.fail(value, what + " needs a filename, e.g. {filename: a.txt, content: \"...\"}");
      if (!value["content"]) reader.fail(value, what + " needs content, e.g. {filename: a.txt, content: \"...\"}");
      std::string content_type =
          value["content_type"] ? reader.text(value["content_type"], "content_type") : "application/octet-stream";
      compiled.body.append_literal(head + "; filename=\"");
      compiled.body.append(compile_text(reader, value["filename"], "filename", Escape::kHeader, context));
      compiled.body.append_literal("\"\r\nContent-Type: " + content_type + "\r\n\r\n");
      compiled.body.append(compile_text(reader, value["content"], "content", Escape::kNone, context));
    } else {
      compiled.body.append_literal(head + "\r\n\r\n");
      compiled.body.append(compile_text(reader, value, "multipart field '" + field + "'", Escape::kNone, context));
    }
    compiled.body.append_literal("\r\n");
  }
  compiled.body.append_literal("--" + std::string(kMultipartBoundary) + "--\r\n");
  compiled.content_type = "multipart/form-data; boundary=" + std::string(kMultipartBoundary);
  return compiled;
}

}  // namespace ragscale::scenario
