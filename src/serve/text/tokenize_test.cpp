#include "serve/text/tokenize.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

TEST(TokenizeTest, LowercasesAndSplitsOnPunctuation) {
  std::vector<std::string> expected{"hello", "world", "rag", "2024", "caf\xC3\xA9"};
  EXPECT_EQ(tokenize_words("Hello, WORLD! RAG-2024 caf\xC3\xA9."), expected);
  EXPECT_TRUE(tokenize_words("  ... ").empty());
}

TEST(TokenizeTest, SplitsSentencesAtTerminatorsAndLineBreaks) {
  auto sentences = split_sentences("One. Two! Is it three?\nFour v1.2 stays whole");
  ASSERT_EQ(sentences.size(), 4u);
  EXPECT_EQ(sentences[0], "One.");
  EXPECT_EQ(sentences[2], "Is it three?");
  EXPECT_EQ(sentences[3], "Four v1.2 stays whole");
}

}  // namespace
}  // namespace ragscale::serve
