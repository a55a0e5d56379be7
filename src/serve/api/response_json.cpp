#include "serve/api/response_json.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cstdio>

#include "common/bounded_json.h"
#include "http/response_format.h"

namespace ragscale::serve {
namespace {

using JsonWriter = rapidjson::Writer<rapidjson::StringBuffer>;

void write_string(JsonWriter& w, std::string_view text) {
  w.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
}

void write_error(JsonWriter& w, const std::string& error) {
  w.Key("error");
  if (error.empty()) w.Null();
  else write_string(w, error);
}

void write_chunks(JsonWriter& w, const std::vector<RetrievedChunk>& chunks) {
  w.StartArray();
  for (const auto& chunk : chunks) {
    w.StartObject();
    w.Key("document_id");
    w.Int64(chunk.document_id);
    w.Key("chunk_id");
    w.Int64(chunk.chunk_id);
    w.Key("title");
    write_string(w, chunk.title);
    w.Key("text");
    write_string(w, chunk.text);
    w.Key("score");
    w.Double(chunk.score);
    w.EndObject();
  }
  w.EndArray();
}

void write_document(JsonWriter& w, const DocumentInfo& info) {
  w.StartObject();
  w.Key("id");
  w.Int64(info.id);
  w.Key("title");
  write_string(w, info.title);
  w.Key("status");
  write_string(w, info.status);
  w.Key("chunks");
  w.Int64(info.chunks);
  w.Key("bytes");
  w.Int64(info.bytes);
  w.Key("created_at");
  w.Int64(info.created_at);
  write_error(w, info.error);
  w.EndObject();
}

std::string body_of(const rapidjson::StringBuffer& buffer) {
  return std::string(buffer.GetString(), buffer.GetSize()) + "\n";
}

}  // namespace

std::string search_json(const RetrievalResult& result) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("documents");
  write_chunks(w, result.chunks);
  w.Key("degraded");
  w.Bool(result.degraded);
  if (result.stale) {
    w.Key("stale");
    w.Bool(true);
  }
  w.EndObject();
  return body_of(buffer);
}

std::string answer_core_json(const std::string& answer, const RetrievalResult& result,
                             std::string_view degraded_reason) {
  if (degraded_reason.empty() && result.degraded) degraded_reason = "embedder_unavailable";
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("answer");
  write_string(w, answer);
  w.Key("sources");
  write_chunks(w, result.chunks);
  w.Key("degraded");
  w.Bool(!degraded_reason.empty());
  w.Key("degraded_reason");
  if (degraded_reason.empty()) w.Null();
  else write_string(w, degraded_reason);
  w.EndObject();
  return std::string(buffer.GetString(), buffer.GetSize() - 1);  // without the closing brace
}

std::string stale_core(const std::string& core, std::string_view reason) {
  // A core ends with its degradation fields (see answer_core_json); a cached one is a
  // full answer, so they read exactly as below.
  static constexpr std::string_view kFull = "\"degraded\":false,\"degraded_reason\":null";
  std::string marked = core;
  if (marked.size() >= kFull.size() && marked.compare(marked.size() - kFull.size(), kFull.size(), kFull) == 0) {
    marked.resize(marked.size() - kFull.size());
    marked += "\"degraded\":true,\"degraded_reason\":\"";
    http::append_json_escaped(marked, reason);
    marked += "\"";
  }
  marked += ",\"stale\":true";
  return marked;
}

std::string answer_of_core(const std::string& core) {
  rapidjson::Document parsed;
  std::string object = core + "}";
  if (!parse_bounded_json(parsed, object).ok() || !parsed.IsObject() || !parsed.HasMember("answer") ||
      !parsed["answer"].IsString()) {
    return {};
  }
  return std::string(parsed["answer"].GetString(), parsed["answer"].GetStringLength());
}

std::string fallback_frame(std::string_view reason) {
  std::string data = "{\"degraded_reason\":\"";
  http::append_json_escaped(data, reason);
  data += "\"}";
  return http::sse_frame(data, "fallback");
}

std::string finish_answer(const std::string& core, bool cached, const std::string& timings, std::string_view mode) {
  std::string body = core;
  body += ",\"mode\":\"";
  body += mode;
  body += cached ? "\",\"cached\":true,\"timings\":" : "\",\"cached\":false,\"timings\":";
  body += timings;
  body += "}\n";
  return body;
}

std::string timings_json(double retrieval_ms, double generation_ms, double total_ms) {
  char buffer[160];
  std::snprintf(buffer, sizeof buffer, "{\"retrieval_ms\":%.3f,\"generation_ms\":%.3f,\"total_ms\":%.3f}",
                retrieval_ms, generation_ms, total_ms);
  return buffer;
}

std::string token_frame(std::string_view text) {
  std::string data = "{\"text\":\"";
  http::append_json_escaped(data, text);
  data += "\"}";
  return http::sse_frame(data, "token");
}

std::string document_json(const DocumentInfo& info) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  write_document(w, info);
  return body_of(buffer);
}

std::string document_status_json(const DocumentInfo& info) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("id");
  w.Int64(info.id);
  w.Key("status");
  write_string(w, info.status);
  w.Key("chunks");
  w.Int64(info.chunks);
  write_error(w, info.error);
  w.EndObject();
  return body_of(buffer);
}

std::string document_list_json(const std::vector<DocumentInfo>& documents, int64_t total, int64_t offset,
                               int64_t limit) {
  rapidjson::StringBuffer buffer;
  JsonWriter w(buffer);
  w.StartObject();
  w.Key("documents");
  w.StartArray();
  for (const auto& info : documents) write_document(w, info);
  w.EndArray();
  w.Key("total");
  w.Int64(total);
  w.Key("offset");
  w.Int64(offset);
  w.Key("limit");
  w.Int64(limit);
  w.EndObject();
  return body_of(buffer);
}

}  // namespace ragscale::serve
