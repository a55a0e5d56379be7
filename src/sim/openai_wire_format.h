// Writing OpenAI API responses exactly as OpenAI's servers do: chat and text completion
// objects, their streamed chunks (Server-Sent Events: "data: {json}\n\n" frames, a
// final chunk with finish_reason, usage, then "data: [DONE]\n\n"), embedding lists, the
// model list and error objects.
//
// Contract on streams: every chunk carries id, object ("chat.completion.chunk" or
// "text_completion"), created, model, system_fingerprint and choices[0] with index,
// delta (chat) or text (completions), logprobs null and finish_reason (null until the
// last). Chat streams open with a delta of {"role":"assistant","content":""}. With
// stream_options.include_usage, as OpenAI does, every chunk has "usage":null and a last
// chunk with empty choices carries the usage; without it, the finish_reason chunk itself
// carries the usage so clients still learn the token counts.
// Token chunks are the hot path: StreamChunkFormat renders each chunk's constant parts
// once per stream and only escapes the token text per chunk.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/distribution.h"
#include "sim/openai_request.h"

namespace ragscale::sim {

struct Usage {
  uint64_t prompt_tokens = 0;
  uint64_t completion_tokens = 0;
};

struct CompletionIdentity {
  CompletionKind kind = CompletionKind::kChat;
  std::string id;     // "chatcmpl-..." or "cmpl-..."
  int64_t created = 0;  // Unix seconds
  std::string model;
};

inline constexpr std::string_view kSystemFingerprint = "fp_ragscale_sim";

// A fresh id: "chatcmpl-" or "cmpl-" and 24 letters and digits.
std::string completion_id(CompletionKind kind, Random& random);

// The non-streamed answer: "chat.completion" or "text_completion".
std::string completion_json(const CompletionIdentity& identity, std::string_view text, std::string_view finish_reason,
                            const Usage& usage);

class StreamChunkFormat {
 public:
  StreamChunkFormat(const CompletionIdentity& identity, bool include_usage);

  // Chat: the role chunk. Text completions have none.
  void append_opening(std::string& out) const;
  void append_token(std::string& out, std::string_view token) const;
  // The finish_reason chunk, the usage chunk when asked for, and "data: [DONE]".
  void append_closing(std::string& out, std::string_view finish_reason, const Usage& usage) const;

 private:
  CompletionKind kind_;
  bool include_usage_;
  std::string head_;          // 'data: {"id":...,"choices":['
  std::string token_prefix_;  // head_ + the choice up to the token text
  std::string token_suffix_;  // from after the token text to the frame's end
};

std::string embeddings_json(std::string_view model, const std::vector<std::vector<float>>& vectors, bool base64,
                            uint64_t prompt_tokens);

std::string models_json(const std::vector<std::string>& models, int64_t created);

// {"error":{"message":...,"type":...,"param":...,"code":...}}; empty param or code is null.
std::string openai_error_json(std::string_view message, std::string_view type, std::string_view param = {},
                              std::string_view code = {});

}  // namespace ragscale::sim
