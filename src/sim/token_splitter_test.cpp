#include "sim/token_splitter.h"

#include <gtest/gtest.h>

#include <string>

namespace ragscale::sim {
namespace {

std::vector<std::string> tokens_of(std::string_view text) {
  std::vector<uint32_t> starts;
  split_tokens(text, starts);
  std::vector<std::string> out;
  for (size_t i = 0; i < starts.size(); ++i) {
    size_t end = i + 1 < starts.size() ? starts[i + 1] : text.size();
    out.emplace_back(text.substr(starts[i], end - starts[i]));
  }
  return out;
}

TEST(SimTokenSplitter, WordsCarryTheirLeadingSpaceAndPunctuationStandsAlone) {
  EXPECT_EQ(tokens_of("Hello, big world."), (std::vector<std::string>{"Hello", ",", " big", " world", "."}));
}

TEST(SimTokenSplitter, LongWordsAreCutIntoPieces) {
  EXPECT_EQ(tokens_of("retrieval"), (std::vector<std::string>{"retrieval"}));
  EXPECT_EQ(tokens_of(" internationalization"), (std::vector<std::string>{" internat", "ionaliza", "tion"}));
}

TEST(SimTokenSplitter, NeverCutsInsideAUtf8Character) {
  // "naïveté" has two two-byte characters; every token must be valid on its own.
  for (const auto& token : tokens_of("na\xC3\xAFvet\xC3\xA9na\xC3\xAFvet\xC3\xA9 caf\xC3\xA9")) {
    ASSERT_FALSE(token.empty());
    EXPECT_NE(static_cast<unsigned char>(token[0]) & 0xC0, 0x80) << token;
  }
}

TEST(SimTokenSplitter, TokensConcatenateBackToTheText) {
  std::string text = "  Machine learning (ML) is a field of study in AI.\n\nIt learns from data!  ";
  std::string joined;
  for (const auto& token : tokens_of(text)) joined += token;
  EXPECT_EQ(joined, text);  // trailing spaces ride on the last token
  EXPECT_EQ(count_tokens(text), tokens_of(text).size());
}

TEST(SimTokenSplitter, EmptyAndBlankTextHaveNoTokens) {
  EXPECT_EQ(count_tokens(""), 0u);
  EXPECT_EQ(count_tokens(" \n\t "), 0u);
}

}  // namespace
}  // namespace ragscale::sim
