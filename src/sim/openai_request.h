// Reading OpenAI API request bodies: chat completions, text completions, embeddings.
//
// Contract: each parse_* function takes the raw body and returns the request, or throws
// InvalidRequest carrying an OpenAI-style message and the offending parameter ("messages",
// "messages[2].content", "max_tokens", ...) for the 400 answer. Unknown fields are
// ignored, as OpenAI's API ignores the sampling parameters a simulator has no use for.
// A missing "model" takes `default_model`. Only one choice per request is supported
// (n must be 1) and completions take one prompt. Embeddings take at most 2048 inputs and
// "dimensions" up to 8192.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::sim {

class InvalidRequest : public std::runtime_error {
 public:
  InvalidRequest(const std::string& message, std::string param)
      : std::runtime_error(message), param_(std::move(param)) {}
  const std::string& param() const { return param_; }

 private:
  std::string param_;
};

enum class CompletionKind { kChat, kText };

struct CompletionRequest {
  CompletionKind kind = CompletionKind::kChat;
  std::string model;
  std::string prompt;    // everything the model reads (chat: the messages' text, in order)
  std::string question;  // what to answer: the last user message, or the prompt
  uint64_t prompt_tokens = 0;
  std::optional<uint64_t> max_tokens;
  bool stream = false;
  bool include_usage = false;  // stream_options.include_usage
};

struct EmbeddingRequest {
  std::string model;
  std::vector<std::string> inputs;
  uint64_t prompt_tokens = 0;
  bool base64 = false;
  std::optional<size_t> dimensions;
};

CompletionRequest parse_chat_request(std::string_view body, std::string_view default_model);
CompletionRequest parse_text_completion_request(std::string_view body, std::string_view default_model);
EmbeddingRequest parse_embedding_request(std::string_view body, std::string_view default_model);

}  // namespace ragscale::sim
