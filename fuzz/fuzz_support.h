// Helpers the fuzz targets share: the input cut into pieces (as a socket would deliver
// it), and a failure that libFuzzer records as a crash with a readable reason.
//
// Contract: pieces are deterministic for a given input (derived from its hash), so a
// crash reproduces from the saved input alone; together they always cover the input
// exactly, in order.
#pragma once

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::fuzz {

// Stops the run: the fuzzer saves the input as crash-*. Use for a broken property
// (results that depend on how the input was split, output that is not what the
// contract promises), never for input the code under test rejects with an error.
[[noreturn]] inline void fail(std::string_view what, std::string_view detail = {}) {
  std::fprintf(stderr, "FUZZ PROPERTY BROKEN: %.*s\n%.*s\n", static_cast<int>(what.size()), what.data(),
               static_cast<int>(detail.size()), detail.data());
  std::abort();
}

inline uint64_t hash_of(std::string_view data) {
  uint64_t hash = 1469598103934665603ULL;  // FNV-1a
  for (unsigned char c : data) hash = (hash ^ c) * 1099511628211ULL;
  return hash;
}

// The input as one piece, as single bytes, and as pieces of 1..64 bytes whose lengths
// come from the input's hash.
inline std::vector<std::string_view> whole(std::string_view data) { return {data}; }

inline std::vector<std::string_view> byte_pieces(std::string_view data) {
  std::vector<std::string_view> pieces;
  pieces.reserve(data.size());
  for (size_t i = 0; i < data.size(); ++i) pieces.push_back(data.substr(i, 1));
  return pieces;
}

inline std::vector<std::string_view> random_pieces(std::string_view data) {
  std::vector<std::string_view> pieces;
  uint64_t state = hash_of(data) | 1;
  size_t pos = 0;
  while (pos < data.size()) {
    state ^= state << 13;  // xorshift64
    state ^= state >> 7;
    state ^= state << 17;
    size_t length = 1 + static_cast<size_t>(state % 64);
    pieces.push_back(data.substr(pos, length));
    pos += length;
  }
  return pieces;
}

}  // namespace ragscale::fuzz
