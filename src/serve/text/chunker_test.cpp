#include "serve/text/chunker.h"

#include <gtest/gtest.h>

#include "serve/text/utf8.h"

namespace ragscale::serve {
namespace {

TEST(ChunkerTest, ShortParagraphsShareOneChunk) {
  auto chunks = chunk_text("First paragraph.\n\nSecond paragraph.\n", {100, 10});
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0], "First paragraph.\nSecond paragraph.");
}

TEST(ChunkerTest, RespectsTargetSizeAndOverlaps) {
  std::string text;
  for (int i = 0; i < 40; ++i) text += "Sentence number " + std::to_string(i) + " talks about topic " + std::to_string(i) + ". ";
  ChunkerOptions options{200, 40};
  auto chunks = chunk_text(text, options);
  ASSERT_GT(chunks.size(), 5u);
  for (size_t i = 0; i < chunks.size(); ++i) {
    EXPECT_LE(chunks[i].size(), options.target_chars + options.overlap_chars) << chunks[i];
    if (i > 0) {
      // The start of each chunk repeats the end of the previous one.
      auto head = chunks[i].substr(0, 10);
      EXPECT_NE(chunks[i - 1].find(head), std::string::npos) << chunks[i];
    }
  }
  EXPECT_NE(chunks.back().find("topic 39."), std::string::npos);
}

TEST(ChunkerTest, SplitsGiantWordsWithoutBreakingUtf8) {
  std::string word;
  for (int i = 0; i < 300; ++i) word += "\xC3\xA9";  // 600 bytes, no spaces
  auto chunks = chunk_text(word, {101, 0});
  ASSERT_GE(chunks.size(), 6u);
  for (const auto& chunk : chunks) EXPECT_FALSE(find_invalid_utf8(chunk).has_value());
}

TEST(ChunkerTest, EmptyInputAndBadOptions) {
  EXPECT_TRUE(chunk_text("   \n\n  ", {100, 10}).empty());
  EXPECT_THROW(chunk_text("x", {0, 0}), std::invalid_argument);
  EXPECT_THROW(chunk_text("x", {10, 10}), std::invalid_argument);
}

TEST(ChunkerTest, MarkdownHeadingsStayWithTheirText) {
  auto chunks = chunk_text("# Title\n\nSome body text.\n\n## Next\n\nMore text.", {30, 5});
  ASSERT_GE(chunks.size(), 2u);
  EXPECT_EQ(chunks[0].rfind("# Title", 0), 0u);
}

}  // namespace
}  // namespace ragscale::serve
