#include "serve/generate/extractive_generator.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

TEST(ExtractiveGeneratorTest, PicksMatchingSentencesWithCitations) {
  std::vector<std::string> sources = {
      "Paris is the capital of France. It has many museums.",
      "The Eiffel Tower is in Paris. It was built in 1889 for the World's Fair.",
  };
  auto answer = extractive_answer("When was the Eiffel Tower built?", sources, 2);
  EXPECT_NE(answer.find("The Eiffel Tower is in Paris. [2]"), std::string::npos) << answer;
  EXPECT_NE(answer.find("It was built in 1889 for the World's Fair. [2]"), std::string::npos) << answer;
  EXPECT_EQ(answer.find("[1]"), std::string::npos);
}

TEST(ExtractiveGeneratorTest, KeepsSourceOrderAndLimitsSentences) {
  std::vector<std::string> sources = {"Cats purr. Dogs bark.", "Cats climb trees. Birds sing."};
  auto parts = extractive_answer_parts("cats", sources, 2);
  ASSERT_EQ(parts.size(), 2u);
  EXPECT_EQ(parts[0], "Cats purr. [1]");
  EXPECT_EQ(parts[1], "Cats climb trees. [2]");
}

TEST(ExtractiveGeneratorTest, MarkdownHeadingsAreNotAnswers) {
  std::vector<std::string> sources = {"# How does RAG work?\nRAG retrieves passages and gives them to a model."};
  auto parts = extractive_answer_parts("How does RAG work?", sources, 3);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0], "RAG retrieves passages and gives them to a model. [1]");
}

TEST(ExtractiveGeneratorTest, PrefersTheBestPassagesOpeningOverShortMatchesFurtherDown) {
  std::vector<std::string> sources = {
      "Retrieval-augmented generation, or RAG, combines a search step with a language model.",
      "Caching helps. Queues smooth bursts. Retries need jitter. Extra work is wasted work.",
  };
  auto parts = extractive_answer_parts("How does RAG work?", sources, 1);
  ASSERT_EQ(parts.size(), 1u);
  EXPECT_EQ(parts[0].rfind("Retrieval-augmented generation", 0), 0u) << parts[0];
}

TEST(ExtractiveGeneratorTest, FallsBackWhenNothingMatches) {
  EXPECT_EQ(extractive_answer("quantum?", {"Bread needs flour. And water."}), "Bread needs flour. [1]");
  EXPECT_NE(extractive_answer("anything", {}).find("could not find"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::serve
