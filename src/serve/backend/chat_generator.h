// ChatGenerator: answers from any OpenAI-compatible POST /v1/chat/completions endpoint,
// with a prompt that numbers the sources and asks for [n] citations.
//
// Contract:
// - generate_async() returns at once; `done` gets a ChatOutcome exactly once, on the
//   backend client's loop thread (or at once on the calling thread when the client
//   refuses the call up front; see BackendClient). It is an error (ChatOutcome::error
//   set) when the call failed (failure says how, as BackendClient reports it), when the
//   backend answered a non-2xx status (failure kNone, status set, retry_after from its
//   Retry-After), or when a 2xx body holds no answer (not readable, no choices[0]
//   content, a stream without a token). A streamed call that fails after its first token
//   keeps the text so far and says so with any_token.
// - generate() and generate_stream() block a worker thread (never an event loop) for
//   the same call with the constructor's timeout, and return the answer text or throw
//   std::runtime_error with the outcome's error, so the caller can fall back to the
//   extractive generator and mark the answer degraded.
// Thread-safe.
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "serve/backend/backend_client.h"

namespace ragscale::serve {

struct SourceText {
  std::string title;
  std::string text;
};

// The sampling settings of one chat call; a bare temperature converts to it.
struct ChatParameters {
  ChatParameters(double temperature = 0, size_t max_tokens = 0) : temperature(temperature), max_tokens(max_tokens) {}
  double temperature;
  size_t max_tokens;  // 0: the model's own limit ("max_tokens" is not sent)
};

// What became of one chat call.
struct ChatOutcome {
  std::string text;   // the answer; with a streamed call, whatever arrived
  std::string error;  // empty on success
  BackendFailure failure = BackendFailure::kNone;  // kNone with an error: the status or the body was wrong
  int status = 0;     // the HTTP status, when a response came back
  std::optional<std::chrono::milliseconds> retry_after;  // the response's Retry-After
  bool any_token = false;  // a streamed call delivered at least one token
};

class ChatGenerator {
 public:
  ChatGenerator(BackendClient& client, std::string model, std::chrono::milliseconds timeout)
      : client_(client), model_(std::move(model)), timeout_(timeout) {}

  std::string generate(std::string_view question, const std::vector<SourceText>& sources, double temperature);

  // Without waiting: `done` gets the outcome (see the contract for the thread). With
  // `on_token` the answer is streamed ("stream": true) and on_token sees each piece as
  // it arrives, on the backend client's loop thread. `options` sets the call's limits and
  // start (see BackendClient::CallOptions). Cancelling `cancel` ends the call early
  // (failure kCancelled).
  using OutcomeDone = std::function<void(ChatOutcome)>;
  void generate_async(std::string_view question, const std::vector<SourceText>& sources, ChatParameters parameters,
                      const BackendClient::CallOptions& options, std::function<void(std::string_view)> on_token,
                      OutcomeDone done, std::shared_ptr<CancelSignal> cancel = nullptr);
  // The same, streamed ("stream": true): on_token sees each piece of text as it arrives,
  // on the backend client's loop thread. Returns the whole answer.
  std::string generate_stream(std::string_view question, const std::vector<SourceText>& sources, double temperature,
                              const std::function<void(std::string_view)>& on_token);
  const std::string& model() const { return model_; }
  // The constructor's timeout: what generate() and generate_stream() allow a call.
  std::chrono::milliseconds timeout() const { return timeout_; }

 private:
  std::string request_body(std::string_view question, const std::vector<SourceText>& sources,
                           const ChatParameters& parameters, bool stream) const;
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
