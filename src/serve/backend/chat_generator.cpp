#include "serve/backend/chat_generator.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <stdexcept>

namespace ragscale::serve {
namespace {

constexpr const char* kSystemPrompt =
    "You answer questions using only the numbered sources provided. Cite every claim with the number of its "
    "source in square brackets, like [1]. If the sources do not contain the answer, say so briefly.";

}  // namespace

std::string citation_prompt(std::string_view question, const std::vector<SourceText>& sources) {
  std::string prompt = "Sources:\n";
  for (size_t i = 0; i < sources.size(); ++i) {
    prompt += "[" + std::to_string(i + 1) + "] " + sources[i].title + "\n" + sources[i].text + "\n\n";
  }
  prompt += "Question: ";
  prompt += question;
  return prompt;
}

std::string ChatGenerator::generate(std::string_view question, const std::vector<SourceText>& sources,
                                    double temperature) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  std::string prompt = citation_prompt(question, sources);
  w.StartObject();
  w.Key("model");
  w.String(model_.c_str());
  w.Key("temperature");
  w.Double(temperature);
  w.Key("stream");
  w.Bool(false);
  w.Key("messages");
  w.StartArray();
  w.StartObject();
  w.Key("role");
  w.String("system");
  w.Key("content");
  w.String(kSystemPrompt);
  w.EndObject();
  w.StartObject();
  w.Key("role");
  w.String("user");
  w.Key("content");
  w.String(prompt.data(), static_cast<rapidjson::SizeType>(prompt.size()));
  w.EndObject();
  w.EndArray();
  w.EndObject();

  auto response = client_.post_json("/v1/chat/completions", std::string(buffer.GetString(), buffer.GetSize()),
                                    timeout_);
  if (!response.error.empty()) throw std::runtime_error("chat request failed: " + response.error);
  if (!response.ok()) {
    throw std::runtime_error("chat endpoint answered " + std::to_string(response.status) + ": " +
                             response.body.substr(0, 200));
  }
  rapidjson::Document document;
  document.Parse(response.body.data(), response.body.size());
  if (document.HasParseError() || !document.IsObject() || !document.HasMember("choices") ||
      !document["choices"].IsArray() || document["choices"].Empty()) {
    throw std::runtime_error("chat response has no choices");
  }
  const auto& choice = document["choices"][0];
  if (!choice.IsObject() || !choice.HasMember("message") || !choice["message"].IsObject() ||
      !choice["message"].HasMember("content") || !choice["message"]["content"].IsString()) {
    throw std::runtime_error("chat response has no choices[0].message.content");
  }
  const auto& content = choice["message"]["content"];
  return std::string(content.GetString(), content.GetStringLength());
}

}  // namespace ragscale::serve
