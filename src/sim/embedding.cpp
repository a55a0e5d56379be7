#include "sim/embedding.h"

#include <openssl/evp.h>

#include <cctype>
#include <cmath>
#include <cstdint>
#include <cstring>

namespace ragscale::sim {

namespace {

constexpr int kComponentsPerWord = 8;
constexpr double kWholeTextWeight = 0.25;

uint64_t fnv1a(std::string_view text) {
  uint64_t hash = 0xcbf29ce484222325ULL;
  for (char c : text) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 0x100000001b3ULL;
  }
  return hash;
}

uint64_t splitmix64(uint64_t& state) {
  uint64_t z = (state += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

void add_word(std::vector<double>& sum, std::string_view word) {
  uint64_t state = fnv1a(word);
  for (int i = 0; i < kComponentsPerWord; ++i) {
    uint64_t bits = splitmix64(state);
    size_t index = static_cast<size_t>(bits % sum.size());
    sum[index] += (bits >> 63) != 0 ? 1.0 : -1.0;
  }
}

}  // namespace

std::vector<float> embed_text(std::string_view text, size_t dimensions) {
  if (dimensions == 0) dimensions = 1;
  std::vector<double> sum(dimensions, 0.0);
  std::string word;
  size_t words = 0;
  auto flush = [&] {
    if (word.empty()) return;
    add_word(sum, word);
    ++words;
    word.clear();
  };
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) || byte >= 0x80) word.push_back(static_cast<char>(std::tolower(byte)));
    else flush();
  }
  flush();
  // The whole-text part scales with the words' part so its share stays the same.
  double whole_scale = kWholeTextWeight * std::sqrt(static_cast<double>(std::max<size_t>(words, 1) * kComponentsPerWord) /
                                                    static_cast<double>(dimensions));
  uint64_t state = fnv1a(text) ^ 0x5bd1e995ULL;
  for (double& value : sum) {
    double unit = static_cast<double>(splitmix64(state) >> 11) * 0x1.0p-53;
    value += whole_scale * (2.0 * unit - 1.0);
  }
  double norm = 0;
  for (double value : sum) norm += value * value;
  norm = std::sqrt(norm);
  std::vector<float> out(dimensions);
  for (size_t i = 0; i < dimensions; ++i) out[i] = static_cast<float>(norm > 0 ? sum[i] / norm : (i == 0 ? 1.0 : 0.0));
  return out;
}

std::string encode_embedding_base64(const std::vector<float>& vector) {
  std::string raw(vector.size() * sizeof(float), '\0');
  for (size_t i = 0; i < vector.size(); ++i) {
    uint32_t bits;
    std::memcpy(&bits, &vector[i], sizeof bits);
    for (int b = 0; b < 4; ++b) raw[i * 4 + static_cast<size_t>(b)] = static_cast<char>((bits >> (8 * b)) & 0xFF);
  }
  std::string out(4 * ((raw.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(raw.data()), static_cast<int>(raw.size()));
  out.resize(static_cast<size_t>(written));
  return out;
}

}  // namespace ragscale::sim
