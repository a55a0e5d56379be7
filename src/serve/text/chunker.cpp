#include "serve/text/chunker.h"

#include "serve/text/tokenize.h"

namespace ragscale::serve {
namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
bool is_continuation(char c) { return (static_cast<unsigned char>(c) & 0xC0) == 0x80; }

std::string_view trim(std::string_view text) {
  size_t begin = 0;
  while (begin < text.size() && is_space(text[begin])) ++begin;
  size_t end = text.size();
  while (end > begin && is_space(text[end - 1])) --end;
  return text.substr(begin, end - begin);
}

std::vector<std::string_view> split_paragraphs(std::string_view text) {
  std::vector<std::string_view> paragraphs;
  size_t start = 0;
  while (start < text.size()) {
    size_t blank = std::string_view::npos;
    // A blank line: a newline followed by optional spaces and another newline.
    for (size_t i = start; i < text.size(); ++i) {
      if (text[i] != '\n') continue;
      size_t j = i + 1;
      while (j < text.size() && (text[j] == ' ' || text[j] == '\t' || text[j] == '\r')) ++j;
      if (j < text.size() && text[j] == '\n') {
        blank = i;
        break;
      }
    }
    size_t end = blank == std::string_view::npos ? text.size() : blank;
    auto piece = trim(text.substr(start, end - start));
    if (!piece.empty()) paragraphs.push_back(piece);
    if (blank == std::string_view::npos) break;
    start = blank + 1;
  }
  return paragraphs;
}

// Cuts a piece longer than `limit` at the last space before the limit, or at a UTF-8
// boundary when there is none.
void split_long(std::string_view piece, size_t limit, std::vector<std::string_view>& out) {
  while (piece.size() > limit) {
    size_t cut = piece.rfind(' ', limit);
    if (cut == std::string_view::npos || cut == 0) {
      cut = limit;
      while (cut > 0 && is_continuation(piece[cut])) --cut;
      if (cut == 0) cut = limit;  // cannot happen for valid UTF-8; keeps progress anyway
    }
    auto head = trim(piece.substr(0, cut));
    if (!head.empty()) out.push_back(head);
    piece = trim(piece.substr(cut));
  }
  if (!piece.empty()) out.push_back(piece);
}

std::string_view overlap_tail(std::string_view chunk, size_t overlap) {
  if (overlap == 0 || chunk.empty()) return {};
  if (chunk.size() <= overlap) return chunk;
  size_t start = chunk.size() - overlap;
  // Start at the beginning of a word so the overlap reads naturally.
  while (start < chunk.size() && !is_space(chunk[start - 1])) ++start;
  return trim(chunk.substr(start));
}

}  // namespace

std::vector<std::string> chunk_text(std::string_view text, const ChunkerOptions& options) {
  if (options.target_chars == 0) throw std::invalid_argument("chunk size must be at least 1 character");
  if (options.overlap_chars >= options.target_chars) {
    throw std::invalid_argument("chunk overlap (" + std::to_string(options.overlap_chars) +
                                ") must be smaller than the chunk size (" + std::to_string(options.target_chars) +
                                ")");
  }
  std::vector<std::string_view> pieces;
  for (auto paragraph : split_paragraphs(text)) {
    if (paragraph.size() <= options.target_chars) {
      pieces.push_back(paragraph);
      continue;
    }
    for (auto sentence : split_sentences(paragraph)) split_long(sentence, options.target_chars, pieces);
  }

  std::vector<std::string> chunks;
  std::string current;
  size_t fresh = 0;  // bytes in `current` that are not overlap from the previous chunk
  auto flush = [&] {
    if (fresh == 0) return;
    chunks.push_back(current);
    current = std::string(overlap_tail(chunks.back(), options.overlap_chars));
    fresh = 0;
  };
  for (auto piece : pieces) {
    size_t separator = current.empty() ? 0 : 1;
    if (fresh > 0 && current.size() + separator + piece.size() > options.target_chars) flush();
    if (!current.empty()) current += fresh == 0 ? " " : "\n";
    current.append(piece);
    fresh += piece.size();
  }
  flush();
  return chunks;
}

}  // namespace ragscale::serve
