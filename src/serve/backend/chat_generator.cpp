#include "serve/backend/chat_generator.h"

#include <rapidjson/document.h>
#include <rapidjson/stringbuffer.h>
#include <rapidjson/writer.h>

#include <future>
#include <memory>
#include <stdexcept>

#include "common/bounded_json.h"

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

std::string ChatGenerator::request_body(std::string_view question, const std::vector<SourceText>& sources,
                                        const ChatParameters& parameters, bool stream) const {
  rapidjson::StringBuffer buffer;
  rapidjson::Writer<rapidjson::StringBuffer> w(buffer);
  std::string prompt = citation_prompt(question, sources);
  w.StartObject();
  w.Key("model");
  w.String(model_.c_str());
  w.Key("temperature");
  w.Double(parameters.temperature);
  if (parameters.max_tokens > 0) {
    w.Key("max_tokens");
    w.Uint64(parameters.max_tokens);
  }
  w.Key("stream");
  w.Bool(stream);
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
  return std::string(buffer.GetString(), buffer.GetSize());
}

namespace {

// An outcome with what every response tells: an error when the call failed or the
// status is not 2xx.
ChatOutcome outcome_of(const BackendResponse& response) {
  ChatOutcome outcome;
  outcome.failure = response.failure;
  outcome.status = response.status;
  outcome.retry_after = response.retry_after;
  if (!response.error.empty()) {
    outcome.error = "chat request failed: " + response.error;
  } else if (!response.ok()) {
    outcome.error = "chat endpoint answered " + std::to_string(response.status) + ": " + response.body.substr(0, 200);
  }
  return outcome;
}

// The answer text of a 2xx chat completion body; throws std::runtime_error saying why
// there is none.
std::string completion_text(const std::string& body) {
  rapidjson::Document document;
  auto parsed = parse_bounded_json(document, body);
  if (!parsed.ok()) throw std::runtime_error("chat response is not readable JSON: " + parsed.message);
  if (!document.IsObject() || !document.HasMember("choices") ||
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

// Waits for an asynchronous answer on a worker thread; throws with the outcome's error.
std::string wait_for_answer(const std::function<void(ChatGenerator::OutcomeDone)>& start) {
  auto done = std::make_shared<std::promise<ChatOutcome>>();
  auto future = done->get_future();
  start([done](ChatOutcome outcome) { done->set_value(std::move(outcome)); });
  auto outcome = future.get();
  if (!outcome.error.empty()) throw std::runtime_error(outcome.error);
  return std::move(outcome.text);
}

}  // namespace

void ChatGenerator::generate_async(std::string_view question, const std::vector<SourceText>& sources,
                                   ChatParameters parameters, const BackendClient::CallOptions& options,
                                   std::function<void(std::string_view)> on_token, OutcomeDone done,
                                   std::shared_ptr<CancelSignal> cancel) {
  const bool stream = static_cast<bool>(on_token);
  std::string body = request_body(question, sources, parameters, stream);
  if (!stream) {
    client_.post_json_async("/v1/chat/completions", std::move(body), options, {},
                            [done = std::move(done)](BackendResponse response) {
                              ChatOutcome outcome = outcome_of(response);
                              if (outcome.error.empty()) {
                                try {
                                  outcome.text = completion_text(response.body);
                                } catch (const std::exception& e) {
                                  outcome.error = e.what();
                                }
                              }
                              done(std::move(outcome));
                            },
                            std::move(cancel));
    return;
  }
  auto reader = std::make_shared<ChatStreamReader>(std::move(on_token));
  client_.post_json_async("/v1/chat/completions", std::move(body), options,
                          [reader](std::string_view piece) { reader->feed(piece); },
                          [reader, done = std::move(done)](BackendResponse response) {
                            ChatOutcome outcome = outcome_of(response);
                            outcome.text = reader->text();
                            outcome.any_token = !outcome.text.empty();  // the reader passes on no empty token
                            if (outcome.error.empty() && !outcome.any_token) {
                              outcome.error = "chat stream ended without an answer";
                            }
                            done(std::move(outcome));
                          },
                          std::move(cancel));
}

std::string ChatGenerator::generate(std::string_view question, const std::vector<SourceText>& sources,
                                    double temperature) {
  return wait_for_answer([&](OutcomeDone done) {
    generate_async(question, sources, temperature, BackendClient::CallOptions{timeout_}, {}, std::move(done));
  });
}

std::string ChatGenerator::generate_stream(std::string_view question, const std::vector<SourceText>& sources,
                                           double temperature,
                                           const std::function<void(std::string_view)>& on_token) {
  return wait_for_answer([&](OutcomeDone done) {
    generate_async(question, sources, temperature, BackendClient::CallOptions{timeout_}, on_token, std::move(done));
  });
}

void ChatStreamReader::feed(std::string_view piece) {
  pending_.append(piece);
  size_t start = 0;
  for (size_t newline; (newline = pending_.find('\n', start)) != std::string::npos; start = newline + 1) {
    std::string_view text(pending_.data() + start, newline - start);
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    line(text);
  }
  pending_.erase(0, start);
}

void ChatStreamReader::line(std::string_view text) {
  if (text.rfind("data:", 0) != 0) return;  // event names, comments, blank separators
  text.remove_prefix(5);
  if (!text.empty() && text.front() == ' ') text.remove_prefix(1);
  if (text == "[DONE]") return;
  rapidjson::Document chunk;
  if (!parse_bounded_json(chunk, text).ok() || !chunk.IsObject() || !chunk.HasMember("choices") ||
      !chunk["choices"].IsArray() || chunk["choices"].Empty()) {
    return;  // e.g. the usage chunk, whose choices are empty
  }
  const auto& choice = chunk["choices"][0];
  if (!choice.IsObject() || !choice.HasMember("delta") || !choice["delta"].IsObject()) return;
  const auto& delta = choice["delta"];
  if (!delta.HasMember("content") || !delta["content"].IsString()) return;
  std::string_view token(delta["content"].GetString(), delta["content"].GetStringLength());
  if (token.empty()) return;
  text_.append(token);
  if (on_token_) on_token_(token);
}

}  // namespace ragscale::serve
