#include "sim/text_generator.h"

#include <gtest/gtest.h>

#include "sim/token_splitter.h"

namespace ragscale::sim {
namespace {

constexpr std::string_view kRagPrompt =
    "You are a helpful assistant. Answer using only the sources below.\n"
    "[1] Paris is the capital of France. It has about two million residents.\n"
    "[2] Machine learning is a field of artificial intelligence that learns from data.\n"
    "Question: What is machine learning?\n";

TEST(SimTextGenerator, QuotesTheMostRelevantSourceFirstWithItsLabel) {
  Random random(1);
  Answer answer = compose_answer(kRagPrompt, "What is machine learning?", 200, random);
  EXPECT_EQ(answer.text.rfind("Machine learning is a field of artificial intelligence that learns from data [2].", 0), 0u)
      << answer.text;
  EXPECT_NE(answer.text.find("Paris is the capital of France [1]."), std::string::npos);
}

TEST(SimTextGenerator, SkipsInstructionsAndQuestions) {
  auto sentences = source_sentences(kRagPrompt, "What is machine learning?");
  for (const auto& s : sentences) {
    EXPECT_EQ(s.find("helpful assistant"), std::string::npos);
    EXPECT_EQ(s.find("Answer using"), std::string::npos);
    EXPECT_EQ(s.find('?'), std::string::npos);
  }
  EXPECT_EQ(sentences.size(), 3u);
}

TEST(SimTextGenerator, HasExactlyTheRequestedNumberOfTokens) {
  for (size_t n : {1u, 7u, 64u, 500u}) {
    Random random(2);
    Answer answer = compose_answer(kRagPrompt, "machine learning", n, random);
    EXPECT_EQ(answer.token_count(), n);
    EXPECT_EQ(count_tokens(answer.text), n);
    std::string joined;
    for (size_t i = 0; i < answer.token_count(); ++i) joined += answer.token(i);
    EXPECT_EQ(joined, answer.text);
  }
}

TEST(SimTextGenerator, FallsBackToGenericTextWithoutSources) {
  Random random(3);
  Answer answer = compose_answer("Hi", "Hi", 30, random);
  EXPECT_EQ(answer.token_count(), 30u);
  EXPECT_GT(answer.text.size(), 60u);
}

TEST(SimTextGenerator, IsDeterministicForTheSameSeed) {
  Random a(9), b(9);
  EXPECT_EQ(compose_answer("Hello there", "Hello", 50, a).text, compose_answer("Hello there", "Hello", 50, b).text);
}

TEST(SimTextGenerator, ZeroTokensIsEmpty) {
  Random random(1);
  EXPECT_TRUE(compose_answer(kRagPrompt, "x", 0, random).text.empty());
}

}  // namespace
}  // namespace ragscale::sim
