// What one Server-Sent Event of a streamed model answer means for the measurement.
//
// Contract: classify_stream_event() reads one event (name and data) and says whether it
// carries generated content, ends the stream, or neither, plus the token count it
// reports, if any. Recognised shapes:
// - OpenAI chat completions chunks: content when choices[i].delta.content (or
//   delta.reasoning_content) is a non-empty string; completions chunks: choices[i].text
//   non-empty. usage.completion_tokens (the last chunk with stream_options.include_usage,
//   or the final chunk of some servers) is reported as usage_tokens. `openai` is set for
//   any object with a "choices" array, so a stream of them is expected to end with [DONE].
// - data "[DONE]": the end (OpenAI).
// - ragscale serve's /query stream: "event: token" is content, "event: done" the end,
//   other named events ("fallback", ...) are neither.
// - Anything else: a JSON object with a non-empty top-level "text", "token", "content"
//   or "delta" string is content; data that is not JSON at all (a plain-text stream) is
//   content when non-empty.
// Parsing uses a per-thread SAX reader over the bytes: no allocation per event once the
// thread's reader has warmed up.
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace ragscale::load::llm {

struct StreamEventInfo {
  enum class Kind { kOther, kContent, kDone };
  Kind kind = Kind::kOther;
  std::optional<uint64_t> usage_tokens;  // usage.completion_tokens when the event carries it
  bool openai = false;                   // an OpenAI-style chunk (has "choices")
  bool serve = false;                    // a ragscale serve token event
};

StreamEventInfo classify_stream_event(std::string_view name, std::string_view data);

}  // namespace ragscale::load::llm
