#include "load/llm/openai_scenario.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "sim/distribution.h"

namespace ragscale::load::llm {
namespace {

bool ends_with(std::string_view text, std::string_view suffix) {
  return text.size() >= suffix.size() && text.substr(text.size() - suffix.size()) == suffix;
}

std::string json_string(std::string_view text) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  writer.String(text.data(), static_cast<rapidjson::SizeType>(text.size()));
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string user_message(std::string_view prompt) {
  return "[{\"role\":\"user\",\"content\":" + json_string(prompt) + "}]";
}

std::string json_text(const rapidjson::Value& value) {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> writer(buffer);
  value.Accept(writer);
  return std::string(buffer.GetString(), buffer.GetSize());
}

std::string jsonl_prompt(std::string_view line, const std::string& where) {
  rapidjson::Document document;
  document.Parse(line.data(), line.size());
  if (document.HasParseError() || !document.IsObject()) {
    throw std::invalid_argument(where + ": not a JSON object; JSONL prompts are {\"prompt\": \"...\"} or "
                                        "{\"messages\": [{\"role\": \"user\", \"content\": \"...\"}]}");
  }
  if (auto messages = document.FindMember("messages"); messages != document.MemberEnd()) {
    if (!messages->value.IsArray() || messages->value.Empty()) {
      throw std::invalid_argument(where + ": \"messages\" must be a non-empty array of {role, content} objects");
    }
    return json_text(messages->value);
  }
  if (auto prompt = document.FindMember("prompt"); prompt != document.MemberEnd()) {
    if (!prompt->value.IsString()) throw std::invalid_argument(where + ": \"prompt\" must be a string");
    return user_message({prompt->value.GetString(), prompt->value.GetStringLength()});
  }
  throw std::invalid_argument(where + ": the object has neither \"prompt\" nor \"messages\"");
}

constexpr std::string_view kWords[] = {
    "the", "load", "test", "model", "answer", "question", "service", "latency", "token", "stream",
    "user", "request", "server", "data", "system", "time", "first", "scale", "core", "cache",
    "query", "search", "result", "document", "index", "vector", "batch", "queue", "limit", "rate",
    "tell", "me", "about", "how", "why", "what", "which", "when", "where", "explain"};

}  // namespace

std::string chat_completions_path(std::string_view base_path) {
  std::string path(base_path);
  while (!path.empty() && path.back() == '/') path.pop_back();
  if (ends_with(path, "/chat/completions")) return path;
  if (!ends_with(path, "/v1")) path += "/v1";
  return path + "/chat/completions";
}

std::vector<std::string> parse_prompts(std::string_view text, const std::string& origin, bool jsonl) {
  std::vector<std::string> prompts;
  size_t line_number = 0;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++line_number;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.find_first_not_of(" \t") == std::string_view::npos) continue;
    const std::string where = origin + ":" + std::to_string(line_number);
    prompts.push_back(jsonl ? jsonl_prompt(line, where) : user_message(line));
  }
  if (prompts.empty()) throw std::invalid_argument(origin + ": no prompts (the file is empty or blank)");
  return prompts;
}

std::vector<std::string> load_prompt_file(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw std::invalid_argument("--prompts " + path + ": cannot read it (" + std::strerror(errno) + ")");
  std::ostringstream contents;
  contents << file.rdbuf();
  const std::string text = contents.str();
  const size_t first = text.find_first_not_of(" \t\r\n");
  const bool jsonl = ends_with(path, ".jsonl") || ends_with(path, ".ndjson") ||
                     (first != std::string::npos && text[first] == '{');
  return parse_prompts(text, path, jsonl);
}

std::vector<std::string> synthetic_prompts(std::string_view lengths, size_t count, uint64_t seed) {
  const sim::Distribution distribution = sim::parse_distribution(lengths, sim::DistributionUnit::kCount);
  sim::Random random(seed);
  std::vector<std::string> prompts;
  prompts.reserve(count);
  std::string prompt;
  for (size_t i = 0; i < count; ++i) {
    const auto words = std::max<uint64_t>(1, static_cast<uint64_t>(distribution.sample(random) + 0.5));
    prompt.clear();
    for (uint64_t w = 0; w < words; ++w) {
      if (w > 0) prompt.push_back(' ');
      prompt.append(kWords[random.below(std::size(kWords))]);
    }
    prompts.push_back(user_message(prompt));
  }
  return prompts;
}

scenario::Scenario openai_scenario(const OpenAiSettings& settings) {
  scenario::Scenario scenario = scenario::quick_scenario(settings.url);
  scenario::UserClass& user = scenario.users[0];
  user.name = "OpenAI";
  const std::string path = chat_completions_path(user.target->base_path);
  user.target->base_path = "/";
  scenario.host = user.target;

  auto prompts = std::make_shared<scenario::DataSource>("prompts", std::vector<std::string>{}, settings.prompts);
  prompts->slot = 0;
  scenario.data.push_back(prompts);

  scenario::RequestSpec& request = user.tasks[0].steps[0];
  request.method = "POST";
  request.target = scenario::Template::literal(path);
  request.stats_name = "chat/completions";
  request.location = "--openai " + settings.url;
  request.timeout = settings.timeout;
  request.stream = settings.stream;
  request.whole_answer = !settings.stream;
  request.headers.push_back({"Content-Type", scenario::Template::literal("application/json")});
  if (settings.stream) request.headers.push_back({"Accept", scenario::Template::literal("text/event-stream")});
  if (settings.api_key) {
    request.headers.push_back({"Authorization", scenario::Template::literal("Bearer " + *settings.api_key)});
  }
  scenario::Expression pick;
  pick.kind = scenario::Expression::Kind::kPick;
  pick.source = prompts;
  pick.column = 0;
  request.body = scenario::Template::literal("{\"model\":" + json_string(settings.model) + ",\"messages\":");
  request.body.append_expression(std::move(pick), scenario::Escape::kNone);
  std::string tail;
  if (settings.max_tokens) tail += ",\"max_tokens\":" + std::to_string(*settings.max_tokens);
  tail += settings.stream ? ",\"stream\":true,\"stream_options\":{\"include_usage\":true}}" : ",\"stream\":false}";
  request.body.append_literal(tail);
  request.has_body = true;
  user.tasks[0].name = request.stats_name;
  return scenario;
}

}  // namespace ragscale::load::llm
