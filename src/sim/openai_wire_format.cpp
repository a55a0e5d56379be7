#include "sim/openai_wire_format.h"

#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include "http/response_format.h"
#include "sim/embedding.h"

namespace ragscale::sim {

namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& writer, std::string_view text) {
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_usage(JsonWriter& writer, const Usage& usage) {
  writer.StartObject();
  writer.Key("prompt_tokens");
  writer.Uint64(usage.prompt_tokens);
  writer.Key("completion_tokens");
  writer.Uint64(usage.completion_tokens);
  writer.Key("total_tokens");
  writer.Uint64(usage.prompt_tokens + usage.completion_tokens);
  writer.EndObject();
}

void append_usage(std::string& out, const Usage& usage) {
  out += "{\"prompt_tokens\":";
  out += std::to_string(usage.prompt_tokens);
  out += ",\"completion_tokens\":";
  out += std::to_string(usage.completion_tokens);
  out += ",\"total_tokens\":";
  out += std::to_string(usage.prompt_tokens + usage.completion_tokens);
  out += "}";
}

std::string_view object_name(CompletionKind kind, bool chunk) {
  if (kind == CompletionKind::kText) return "text_completion";
  return chunk ? "chat.completion.chunk" : "chat.completion";
}

}  // namespace

std::string completion_id(CompletionKind kind, Random& random) {
  static constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
  std::string id = kind == CompletionKind::kChat ? "chatcmpl-" : "cmpl-";
  for (int i = 0; i < 24; ++i) id.push_back(kAlphabet[random.below(sizeof kAlphabet - 1)]);
  return id;
}

std::string completion_json(const CompletionIdentity& identity, std::string_view text, std::string_view finish_reason,
                            const Usage& usage) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("id");
  write_string(writer, identity.id);
  writer.Key("object");
  write_string(writer, object_name(identity.kind, false));
  writer.Key("created");
  writer.Int64(identity.created);
  writer.Key("model");
  write_string(writer, identity.model);
  writer.Key("system_fingerprint");
  write_string(writer, kSystemFingerprint);
  writer.Key("choices");
  writer.StartArray();
  writer.StartObject();
  if (identity.kind == CompletionKind::kChat) {
    writer.Key("index");
    writer.Int(0);
    writer.Key("message");
    writer.StartObject();
    writer.Key("role");
    writer.String("assistant");
    writer.Key("content");
    write_string(writer, text);
    writer.Key("refusal");
    writer.Null();
    writer.EndObject();
  } else {
    writer.Key("text");
    write_string(writer, text);
    writer.Key("index");
    writer.Int(0);
  }
  writer.Key("logprobs");
  writer.Null();
  writer.Key("finish_reason");
  write_string(writer, finish_reason);
  writer.EndObject();
  writer.EndArray();
  writer.Key("usage");
  write_usage(writer, usage);
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

StreamChunkFormat::StreamChunkFormat(const CompletionIdentity& identity, bool include_usage)
    : kind_(identity.kind), include_usage_(include_usage) {
  head_ = "data: {\"id\":\"";
  http::append_json_escaped(head_, identity.id);
  head_ += "\",\"object\":\"";
  head_ += object_name(identity.kind, true);
  head_ += "\",\"created\":";
  head_ += std::to_string(identity.created);
  head_ += ",\"model\":\"";
  http::append_json_escaped(head_, identity.model);
  head_ += "\",\"system_fingerprint\":\"";
  head_ += kSystemFingerprint;
  head_ += "\",\"choices\":[";
  std::string frame_end = include_usage ? ",\"usage\":null}\n\n" : "}\n\n";
  if (kind_ == CompletionKind::kChat) {
    token_prefix_ = head_ + "{\"index\":0,\"delta\":{\"content\":\"";
    token_suffix_ = "\"},\"logprobs\":null,\"finish_reason\":null}]" + frame_end;
  } else {
    token_prefix_ = head_ + "{\"text\":\"";
    token_suffix_ = "\",\"index\":0,\"logprobs\":null,\"finish_reason\":null}]" + frame_end;
  }
}

void StreamChunkFormat::append_opening(std::string& out) const {
  if (kind_ != CompletionKind::kChat) return;
  out += head_;
  out += "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,\"finish_reason\":null}]";
  out += include_usage_ ? ",\"usage\":null}\n\n" : "}\n\n";
}

void StreamChunkFormat::append_token(std::string& out, std::string_view token) const {
  out += token_prefix_;
  http::append_json_escaped(out, token);
  out += token_suffix_;
}

void StreamChunkFormat::append_closing(std::string& out, std::string_view finish_reason, const Usage& usage) const {
  out += head_;
  out += kind_ == CompletionKind::kChat ? "{\"index\":0,\"delta\":{}," : "{\"text\":\"\",\"index\":0,";
  out += "\"logprobs\":null,\"finish_reason\":\"";
  http::append_json_escaped(out, finish_reason);
  out += "\"}]";
  if (include_usage_) {
    out += ",\"usage\":null}\n\n";
    out += head_;
    out += "],\"usage\":";
    append_usage(out, usage);
    out += "}\n\n";
  } else {
    out += ",\"usage\":";
    append_usage(out, usage);
    out += "}\n\n";
  }
  out += "data: [DONE]\n\n";
}

std::string embeddings_json(std::string_view model, const std::vector<std::vector<float>>& vectors, bool base64,
                            uint64_t prompt_tokens) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("object");
  writer.String("list");
  writer.Key("data");
  writer.StartArray();
  for (size_t i = 0; i < vectors.size(); ++i) {
    writer.StartObject();
    writer.Key("object");
    writer.String("embedding");
    writer.Key("index");
    writer.Uint64(i);
    writer.Key("embedding");
    if (base64) {
      write_string(writer, encode_embedding_base64(vectors[i]));
    } else {
      writer.StartArray();
      for (float value : vectors[i]) writer.Double(static_cast<double>(value));
      writer.EndArray();
    }
    writer.EndObject();
  }
  writer.EndArray();
  writer.Key("model");
  write_string(writer, model);
  writer.Key("usage");
  writer.StartObject();
  writer.Key("prompt_tokens");
  writer.Uint64(prompt_tokens);
  writer.Key("total_tokens");
  writer.Uint64(prompt_tokens);
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string models_json(const std::vector<std::string>& models, int64_t created) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("object");
  writer.String("list");
  writer.Key("data");
  writer.StartArray();
  for (const auto& model : models) {
    writer.StartObject();
    writer.Key("id");
    write_string(writer, model);
    writer.Key("object");
    writer.String("model");
    writer.Key("created");
    writer.Int64(created);
    writer.Key("owned_by");
    writer.String("ragscale");
    writer.EndObject();
  }
  writer.EndArray();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string openai_error_json(std::string_view message, std::string_view type, std::string_view param,
                              std::string_view code) {
  rapidjson::StringBuffer buffer;
  JsonWriter writer(buffer);
  writer.StartObject();
  writer.Key("error");
  writer.StartObject();
  writer.Key("message");
  write_string(writer, message);
  writer.Key("type");
  write_string(writer, type);
  writer.Key("param");
  if (param.empty()) writer.Null();
  else write_string(writer, param);
  writer.Key("code");
  if (code.empty()) writer.Null();
  else write_string(writer, code);
  writer.EndObject();
  writer.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize());
}

}  // namespace ragscale::sim
