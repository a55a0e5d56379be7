// ChatGenerator: answers from any OpenAI-compatible POST /v1/chat/completions endpoint,
// with a prompt that numbers the sources and asks for [n] citations.
//
// Contract: generate() returns the model's answer text or throws std::runtime_error
// (transport failure, timeout, non-2xx status, unexpected body) so the caller can fall
// back to the extractive generator and mark the answer degraded. Thread-safe.
#pragma once

#include <chrono>
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
  const std::string& model() const { return model_; }

 private:
  BackendClient& client_;
  std::string model_;
  std::chrono::milliseconds timeout_;
};

// The user message: numbered sources, then the question.
std::string citation_prompt(std::string_view question, const std::vector<SourceText>& sources);

}  // namespace ragscale::serve
