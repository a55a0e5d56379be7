// The scenario behind `ragscale load --openai URL --model NAME`: every user POSTs chat
// completions to an OpenAI-compatible endpoint (vLLM, llama.cpp server, Ollama, OpenAI,
// ragscale sim), streamed by default, so every other feature of `ragscale load` (both
// load models, thresholds, SLOs, reports) applies unchanged.
//
// Contract:
// - chat_completions_path(base_path) accepts a base with or without /v1 and a full
//   .../chat/completions path: "/" and "" -> "/v1/chat/completions", "/v1" ->
//   "/v1/chat/completions", "/api/v1/" -> "/api/v1/chat/completions".
// - Prompts come from a file (load_prompt_file: one prompt a line, or JSONL objects
//   with "messages" (an OpenAI messages array, sent as is) or "prompt" (a string sent as
//   one user message); blank lines skipped) or are synthetic (synthetic_prompts: words
//   of a fixed vocabulary, one simulator token each, lengths drawn from a distribution).
//   Each prompt is kept as the JSON text of its messages array. Problems throw
//   std::invalid_argument naming the file and line.
// - openai_scenario() builds one user class "OpenAI" whose one task POSTs
//   {"model", "messages", ["max_tokens",] "stream", ["stream_options":{"include_usage":true}]}
//   with a prompt picked at random per request, Authorization: Bearer KEY when a key is
//   given, named "chat/completions" in the statistics.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "load/scenario/scenario.h"

namespace ragscale::load::llm {

struct OpenAiSettings {
  std::string url;
  std::string model;
  std::vector<std::string> prompts;  // JSON messages arrays
  std::optional<uint64_t> max_tokens;
  bool stream = true;
  std::optional<std::string> api_key;
  std::chrono::microseconds timeout{std::chrono::seconds(600)};
};

std::string chat_completions_path(std::string_view base_path);
std::vector<std::string> load_prompt_file(const std::string& path);
std::vector<std::string> parse_prompts(std::string_view text, const std::string& origin, bool jsonl);
// `lengths` is a sim DIST of counts, e.g. "normal(200,50)"; count prompts, seeded.
std::vector<std::string> synthetic_prompts(std::string_view lengths, size_t count, uint64_t seed);
scenario::Scenario openai_scenario(const OpenAiSettings& settings);

}  // namespace ragscale::load::llm
