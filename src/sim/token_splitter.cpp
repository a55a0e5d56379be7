#include "sim/token_splitter.h"

namespace ragscale::sim {

namespace {

// Common words stay whole; longer ones are cut into pieces, as BPE cuts rare words.
constexpr size_t kMaxWholeWordBytes = 12;
constexpr size_t kLongWordPieceBytes = 8;

bool is_space(unsigned char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; }
bool is_word_byte(unsigned char c) { return c >= 0x80 || (c >= '0' && c <= '9') || ((c | 0x20) >= 'a' && (c | 0x20) <= 'z'); }
bool is_continuation(unsigned char c) { return (c & 0xC0) == 0x80; }

// Calls visit(start) for every token start.
template <typename Visit>
void for_each_token(std::string_view text, Visit visit) {
  size_t i = 0;
  const size_t n = text.size();
  while (i < n) {
    size_t start = i;
    while (i < n && is_space(static_cast<unsigned char>(text[i]))) ++i;
    if (i == n) return;  // trailing whitespace stays with the previous token
    visit(start);
    auto c = static_cast<unsigned char>(text[i]);
    if (!is_word_byte(c)) {
      ++i;
      continue;
    }
    size_t word_end = i;
    while (word_end < n && is_word_byte(static_cast<unsigned char>(text[word_end]))) ++word_end;
    if (word_end - i <= kMaxWholeWordBytes) {
      i = word_end;
      continue;
    }
    for (bool first_piece = true; i < word_end; first_piece = false) {
      if (!first_piece) visit(i);
      size_t piece_start = i;
      while (i < word_end &&
             (i - piece_start < kLongWordPieceBytes || is_continuation(static_cast<unsigned char>(text[i])))) {
        ++i;
      }
    }
  }
}

}  // namespace

void split_tokens(std::string_view text, std::vector<uint32_t>& token_starts) {
  for_each_token(text, [&](size_t start) { token_starts.push_back(static_cast<uint32_t>(start)); });
}

size_t count_tokens(std::string_view text) {
  size_t count = 0;
  for_each_token(text, [&](size_t) { ++count; });
  return count;
}

}  // namespace ragscale::sim
