// Splits text into model "tokens" the way the simulator counts and streams them.
//
// Contract: a token is an optional run of leading whitespace followed by either a word
// (letters, digits and any non-ASCII UTF-8 bytes) of up to 12 bytes, an 8-byte piece of a
// longer word (never cut inside a UTF-8 character), or one other character. This
// approximates a BPE tokenizer's counts for English prose (common words are one token)
// and gives streamable pieces that concatenate back to the original text exactly.
// Trailing whitespace belongs to the last token; whitespace-only text has no tokens.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

namespace ragscale::sim {

// Appends the byte offset where each token starts; tokens end where the next one starts
// (the last one at text.size()).
void split_tokens(std::string_view text, std::vector<uint32_t>& token_starts);

size_t count_tokens(std::string_view text);

}  // namespace ragscale::sim
