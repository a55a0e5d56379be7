// Deterministic text embeddings for the simulator.
//
// Contract: embed_text returns a unit-length (L2) vector of `dimensions` floats that
// depends only on the text and the dimension. It is a hashed bag of words (each
// lowercased word adds a fixed sparse pattern of +/-1 components) plus a small
// component drawn from the whole text, so texts that share words point in similar
// directions (retrieval over these vectors behaves sensibly) while every distinct text,
// even an empty one, gets its own vector. dimensions must be at least 1.
#pragma once

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace ragscale::sim {

std::vector<float> embed_text(std::string_view text, size_t dimensions);

// The most values (inputs x dimensions) one request may ask for: an answer is built
// whole before its latency passes, so this bounds the memory and loop time one request
// takes (2,048 inputs of 1,536 dimensions, about 30 MB of JSON).
inline constexpr size_t kMaxEmbeddingValues = 2048 * 1536;

// The vector's float32 values, little-endian, base64-encoded (OpenAI's
// encoding_format "base64").
std::string encode_embedding_base64(const std::vector<float>& vector);

}  // namespace ragscale::sim
