// Splits a document (plain text or Markdown) into overlapping chunks for retrieval.
//
// Contract:
// - Paragraphs (separated by blank lines) are kept whole when they fit; a longer
//   paragraph is split into sentences, and a sentence longer than the target size is
//   split at word boundaries (or hard, for a single enormous word).
// - Pieces are packed greedily into chunks of at most `target_chars` bytes (a chunk may
//   exceed it only by the overlap it starts with).
// - Each chunk after the first starts with the last `overlap_chars` (or fewer) bytes of
//   the previous chunk, cut at a word start, so a fact straddling a boundary is found.
// - Cuts never split a UTF-8 sequence. Whitespace-only input yields no chunks.
#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::serve {

struct ChunkerOptions {
  size_t target_chars = 800;
  size_t overlap_chars = 100;
};

// Throws std::invalid_argument when target_chars is 0 or overlap_chars >= target_chars.
std::vector<std::string> chunk_text(std::string_view text, const ChunkerOptions& options);

}  // namespace ragscale::serve
