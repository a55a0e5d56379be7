#include "sim/openai_request.h"

#include <rapidjson/document.h>

#include "common/bounded_json.h"
#include "sim/token_splitter.h"

namespace ragscale::sim {

namespace {

// OpenAI's accounting adds a few tokens of framing per chat message.
constexpr uint64_t kTokensPerMessage = 4;
constexpr uint64_t kTokensPerReply = 3;
constexpr size_t kMaxEmbeddingInputs = 2048;
constexpr size_t kMaxEmbeddingDimensions = 8192;

rapidjson::Document parse_object(std::string_view body) {
  rapidjson::Document document;
  auto parsed = parse_bounded_json(document, body);
  if (parsed.too_deep) {
    throw InvalidRequest("The JSON body of your request is refused: " + parsed.message + " (at offset " +
                             std::to_string(parsed.offset) + ").",
                         "");
  }
  if (!parsed.ok()) {
    throw InvalidRequest("We could not parse the JSON body of your request: " + parsed.message + " at offset " +
                             std::to_string(parsed.offset) +
                             ". The body must be valid JSON with Content-Type: application/json.",
                         "");
  }
  if (!document.IsObject()) throw InvalidRequest("The request body must be a JSON object.", "");
  return document;
}

[[noreturn]] void wrong_type(const std::string& param, const char* expected) {
  throw InvalidRequest("Invalid type for '" + param + "': expected " + expected + ".", param);
}

std::string read_model(const rapidjson::Document& document, std::string_view default_model) {
  auto it = document.FindMember("model");
  if (it == document.MemberEnd() || it->value.IsNull()) return std::string(default_model);
  if (!it->value.IsString()) wrong_type("model", "a string");
  if (it->value.GetStringLength() == 0) throw InvalidRequest("'model' must not be empty.", "model");
  return it->value.GetString();
}

void read_common(const rapidjson::Document& document, CompletionRequest& request) {
  for (const char* name : {"max_tokens", "max_completion_tokens"}) {
    auto it = document.FindMember(name);
    if (it == document.MemberEnd() || it->value.IsNull()) continue;
    if (!it->value.IsInt64()) wrong_type(name, "an integer");
    if (it->value.GetInt64() < 1) {
      throw InvalidRequest(std::string("Invalid '") + name + "': integer below minimum value. Expected a value >= 1, but got " +
                               std::to_string(it->value.GetInt64()) + " instead.",
                           name);
    }
    request.max_tokens = static_cast<uint64_t>(it->value.GetInt64());
  }
  auto stream = document.FindMember("stream");
  if (stream != document.MemberEnd() && !stream->value.IsNull()) {
    if (!stream->value.IsBool()) wrong_type("stream", "a boolean");
    request.stream = stream->value.GetBool();
  }
  auto options = document.FindMember("stream_options");
  if (options != document.MemberEnd() && !options->value.IsNull()) {
    if (!options->value.IsObject()) wrong_type("stream_options", "an object");
    auto usage = options->value.FindMember("include_usage");
    if (usage != options->value.MemberEnd() && !usage->value.IsNull()) {
      if (!usage->value.IsBool()) wrong_type("stream_options.include_usage", "a boolean");
      request.include_usage = usage->value.GetBool();
    }
  }
  auto n = document.FindMember("n");
  if (n != document.MemberEnd() && !n->value.IsNull()) {
    if (!n->value.IsInt()) wrong_type("n", "an integer");
    if (n->value.GetInt() != 1) throw InvalidRequest("ragscale sim generates one choice per request; set 'n' to 1.", "n");
  }
  for (const char* name : {"temperature", "top_p", "presence_penalty", "frequency_penalty"}) {
    auto it = document.FindMember(name);
    if (it != document.MemberEnd() && !it->value.IsNull() && !it->value.IsNumber()) wrong_type(name, "a number");
  }
}

// A message's content: a string, an array of parts ({"type":"text","text":...}), or null.
std::string read_content(const rapidjson::Value& content, const std::string& param) {
  if (content.IsNull()) return {};
  if (content.IsString()) return std::string(content.GetString(), content.GetStringLength());
  if (!content.IsArray()) wrong_type(param, "a string or an array of content parts");
  std::string text;
  for (rapidjson::SizeType i = 0; i < content.Size(); ++i) {
    const auto& part = content[i];
    std::string part_param = param + "[" + std::to_string(i) + "]";
    if (!part.IsObject()) wrong_type(part_param, "an object");
    auto type = part.FindMember("type");
    if (type == part.MemberEnd() || !type->value.IsString()) {
      throw InvalidRequest("Missing required parameter: '" + part_param + ".type'.", part_param + ".type");
    }
    if (std::string_view(type->value.GetString()) != "text") continue;  // images and audio carry no text
    auto part_text = part.FindMember("text");
    if (part_text == part.MemberEnd() || !part_text->value.IsString()) wrong_type(part_param + ".text", "a string");
    if (!text.empty()) text.push_back('\n');
    text.append(part_text->value.GetString(), part_text->value.GetStringLength());
  }
  return text;
}

}  // namespace

CompletionRequest parse_chat_request(std::string_view body, std::string_view default_model) {
  rapidjson::Document document = parse_object(body);
  CompletionRequest request;
  request.kind = CompletionKind::kChat;
  request.model = read_model(document, default_model);
  auto messages = document.FindMember("messages");
  if (messages == document.MemberEnd()) throw InvalidRequest("Missing required parameter: 'messages'.", "messages");
  if (!messages->value.IsArray()) wrong_type("messages", "an array of messages");
  if (messages->value.Empty()) {
    throw InvalidRequest("Invalid 'messages': empty array. Expected an array with minimum length 1, but got an empty array instead.",
                         "messages");
  }
  request.prompt_tokens = kTokensPerReply;
  for (rapidjson::SizeType i = 0; i < messages->value.Size(); ++i) {
    const auto& message = messages->value[i];
    std::string param = "messages[" + std::to_string(i) + "]";
    if (!message.IsObject()) wrong_type(param, "an object");
    auto role = message.FindMember("role");
    if (role == message.MemberEnd()) throw InvalidRequest("Missing required parameter: '" + param + ".role'.", param + ".role");
    if (!role->value.IsString()) wrong_type(param + ".role", "a string");
    std::string_view role_name = role->value.GetString();
    if (role_name != "system" && role_name != "user" && role_name != "assistant" && role_name != "tool" &&
        role_name != "developer" && role_name != "function") {
      throw InvalidRequest("Invalid value: '" + std::string(role_name) + "'. Supported values are: 'system', 'developer', "
                               "'user', 'assistant', 'tool' and 'function'.",
                           param + ".role");
    }
    auto content = message.FindMember("content");
    if (content == message.MemberEnd() && role_name != "assistant") {
      throw InvalidRequest("Missing required parameter: '" + param + ".content'.", param + ".content");
    }
    std::string text = content == message.MemberEnd() ? std::string() : read_content(content->value, param + ".content");
    request.prompt_tokens += kTokensPerMessage + count_tokens(text);
    if (!request.prompt.empty()) request.prompt.push_back('\n');
    request.prompt += text;
    if (role_name == "user") request.question = std::move(text);
  }
  if (request.question.empty()) request.question = request.prompt;
  read_common(document, request);
  return request;
}

CompletionRequest parse_text_completion_request(std::string_view body, std::string_view default_model) {
  rapidjson::Document document = parse_object(body);
  CompletionRequest request;
  request.kind = CompletionKind::kText;
  request.model = read_model(document, default_model);
  auto prompt = document.FindMember("prompt");
  if (prompt == document.MemberEnd()) throw InvalidRequest("Missing required parameter: 'prompt'.", "prompt");
  if (prompt->value.IsString()) {
    request.prompt.assign(prompt->value.GetString(), prompt->value.GetStringLength());
  } else if (prompt->value.IsArray() && prompt->value.Size() == 1 && prompt->value[0].IsString()) {
    request.prompt.assign(prompt->value[0].GetString(), prompt->value[0].GetStringLength());
  } else if (prompt->value.IsArray() && prompt->value.Size() > 1) {
    throw InvalidRequest("ragscale sim completes one prompt per request; send the prompts separately.", "prompt");
  } else {
    wrong_type("prompt", "a string");
  }
  request.question = request.prompt;
  request.prompt_tokens = count_tokens(request.prompt);
  read_common(document, request);
  if (!request.max_tokens) request.max_tokens = 16;  // OpenAI's default for completions
  return request;
}

EmbeddingRequest parse_embedding_request(std::string_view body, std::string_view default_model) {
  rapidjson::Document document = parse_object(body);
  EmbeddingRequest request;
  request.model = read_model(document, default_model);
  auto input = document.FindMember("input");
  if (input == document.MemberEnd()) throw InvalidRequest("Missing required parameter: 'input'.", "input");
  // Token-id inputs are embedded as text made of their ids, so they stay deterministic.
  auto token_ids_text = [](const rapidjson::Value& ids, const std::string& param) {
    std::string text;
    for (const auto& id : ids.GetArray()) {
      if (!id.IsInt64()) wrong_type(param, "an array of token ids (integers)");
      text += "t" + std::to_string(id.GetInt64()) + " ";
    }
    return text;
  };
  const auto& value = input->value;
  if (value.IsString()) {
    request.inputs.emplace_back(value.GetString(), value.GetStringLength());
  } else if (value.IsArray()) {
    if (value.Empty()) throw InvalidRequest("'input' must not be an empty array.", "input");
    if (value.Size() > kMaxEmbeddingInputs) {
      throw InvalidRequest("'input' has " + std::to_string(value.Size()) + " items; the most one request may embed is " +
                               std::to_string(kMaxEmbeddingInputs) + ".",
                           "input");
    }
    if (value[0].IsInt64()) {
      request.inputs.push_back(token_ids_text(value, "input"));
    } else {
      for (rapidjson::SizeType i = 0; i < value.Size(); ++i) {
        std::string param = "input[" + std::to_string(i) + "]";
        if (value[i].IsString()) request.inputs.emplace_back(value[i].GetString(), value[i].GetStringLength());
        else if (value[i].IsArray()) request.inputs.push_back(token_ids_text(value[i], param));
        else wrong_type(param, "a string");
      }
    }
  } else {
    wrong_type("input", "a string or an array of strings");
  }
  for (const auto& text : request.inputs) request.prompt_tokens += count_tokens(text);
  auto format = document.FindMember("encoding_format");
  if (format != document.MemberEnd() && !format->value.IsNull()) {
    if (!format->value.IsString()) wrong_type("encoding_format", "a string");
    std::string_view name = format->value.GetString();
    if (name != "float" && name != "base64") {
      throw InvalidRequest("Invalid value: '" + std::string(name) + "'. Supported values are: 'float' and 'base64'.",
                           "encoding_format");
    }
    request.base64 = name == "base64";
  }
  auto dimensions = document.FindMember("dimensions");
  if (dimensions != document.MemberEnd() && !dimensions->value.IsNull()) {
    if (!dimensions->value.IsInt64()) wrong_type("dimensions", "an integer");
    if (dimensions->value.GetInt64() < 1 || dimensions->value.GetInt64() > static_cast<int64_t>(kMaxEmbeddingDimensions)) {
      throw InvalidRequest("'dimensions' must be between 1 and " + std::to_string(kMaxEmbeddingDimensions) + ".",
                           "dimensions");
    }
    request.dimensions = static_cast<size_t>(dimensions->value.GetInt64());
  }
  return request;
}

}  // namespace ragscale::sim
