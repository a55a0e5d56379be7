// Word tokenization shared by the embedder, the keyword query builder and the
// extractive generator, so all three agree on what a "word" is: a maximal run of ASCII
// letters and digits or non-ASCII bytes (so accented and non-Latin words stay whole),
// lower-cased in the ASCII range.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace ragscale::serve {

std::vector<std::string> tokenize_words(std::string_view text);

// Splits text into sentences at '.', '!' or '?' followed by whitespace, and at line
// breaks; pieces are trimmed and empty ones dropped.
std::vector<std::string_view> split_sentences(std::string_view text);

}  // namespace ragscale::serve
