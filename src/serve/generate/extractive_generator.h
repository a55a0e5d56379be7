// The built-in `extractive` generator: answers a question from the retrieved sources
// without a language model, by picking the source sentences that share the most words
// with the question and citing each with its source number ([1] is the first source).
//
// Contract: deterministic; at most `max_sentences` sentences, in source order; when no
// sentence shares a word with the question, the first sentence of the best source is
// used; with no sources the answer says nothing was found.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ragscale::serve {

// The answer as pieces ("sentence [n]"), for streaming; join with spaces for the whole.
std::vector<std::string> extractive_answer_parts(std::string_view question, const std::vector<std::string>& sources,
                                                 size_t max_sentences = 3);

std::string extractive_answer(std::string_view question, const std::vector<std::string>& sources,
                              size_t max_sentences = 3);

}  // namespace ragscale::serve
