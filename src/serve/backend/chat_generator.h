// ChatGenerator: answers from any OpenAI-compatible POST /v1/chat/completions endpoint,
// with a prompt that numbers the sources and asks for [n] citations.
//
// Contract: generate() returns the model's answer text or throws std::runtime_error
// (transport failure, timeout, non-2xx status, unexpected body) so the caller can fall
// back to the extractive generator and mark the answer degraded. Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "serve/backend/backend_client.h"

namespace ragscale::serve {

struct SourceText {
  std::string title;
  std::string text;
};

class ChatGenerator {
 public:
  ChatGenerator(BackendClient& client, std::string model, std::chrono::milliseconds timeout)
      : client_(client), model_(std::move(model)), timeout_(timeout) {}

  std::string generate(std::string_view question, const std::vector<SourceText>& sources, double temperature);

  // Without waiting: `done` gets the answer, or an empty answer and the reason it failed,
  // on the backend client's loop thread (see BackendClient::post_json_async). With
  // `on_token` the answer is streamed and on_token sees each piece as it arrives.
  // Cancelling `cancel` ends the call early (the error then says so).
  using AnswerDone = std::function<void(std::string answer, std::string error)>;
  void generate_async(std::string_view question, const std::vector<SourceText>& sources, double temperature,
                      std::function<void(std::string_view)> on_token, AnswerDone done,
                      std::shared_ptr<CancelSignal> cancel = nullptr);
  // The same, streamed ("stream": true): on_token sees each piece of text as it arrives,
  // on the backend client's loop thread. Returns the whole answer.
  std::string generate_stream(std::string_view question, const std::vector<SourceText>& sources, double temperature,
                              const std::function<void(std::string_view)>& on_token);
  const std::string& model() const { return model_; }

 private:
  std::string request_body(std::string_view question, const std::vector<SourceText>& sources, double temperature,
                           bool stream) const;
  BackendClient& client_;
  std::string model_;
  std::chrono::milliseconds timeout_;
};

// Collects the text of an OpenAI chat completion stream (Server-Sent Events whose data
// lines carry choices[0].delta.content) from body pieces split anywhere.
class ChatStreamReader {
 public:
  explicit ChatStreamReader(std::function<void(std::string_view)> on_token) : on_token_(std::move(on_token)) {}
  void feed(std::string_view piece);
  const std::string& text() const { return text_; }

 private:
  void line(std::string_view line);
  std::function<void(std::string_view)> on_token_;
  std::string pending_;
  std::string text_;
};

// The user message: numbered sources, then the question.
std::string citation_prompt(std::string_view question, const std::vector<SourceText>& sources);

}  // namespace ragscale::serve
