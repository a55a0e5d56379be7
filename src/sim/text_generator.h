// Plausible answers built from the prompt, so a RAG pipeline run against the simulator
// gets text that quotes its own sources.
//
// Contract: compose_answer returns exactly `tokens` tokens (token_splitter.h) of text.
// It takes sentences from the prompt that read like source material (not questions,
// not instructions such as "You are..." or "Answer..."), most relevant to the question
// first (shared words), each followed by its source label ("[2]") when the source was
// numbered that way; when those run out, or the prompt has none, it continues with
// generic sentences. The same prompt, question, length and random state give the same
// answer.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "sim/distribution.h"

namespace ragscale::sim {

struct Answer {
  std::string text;
  std::vector<uint32_t> token_starts;  // one per token

  size_t token_count() const { return token_starts.size(); }
  std::string_view token(size_t index) const {
    size_t end = index + 1 < token_starts.size() ? token_starts[index + 1] : text.size();
    return std::string_view(text).substr(token_starts[index], end - token_starts[index]);
  }
};

Answer compose_answer(std::string_view prompt, std::string_view question, size_t tokens, Random& random);

// The sentences compose_answer would draw on, in the order it would use them (for tests
// and for explaining answers).
std::vector<std::string> source_sentences(std::string_view prompt, std::string_view question);

}  // namespace ragscale::sim
