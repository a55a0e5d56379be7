#include "serve/generate/extractive_generator.h"

#include <algorithm>
#include <cmath>
#include <unordered_set>

#include "serve/text/tokenize.h"

namespace ragscale::serve {
namespace {

// Words too common to say anything about relevance.
const std::unordered_set<std::string>& stopwords() {
  static const std::unordered_set<std::string> words = {
      "a",    "an",   "and",  "are",  "as",   "at",    "be",   "by",   "can",  "do",   "does", "for",
      "from", "how",  "i",    "in",   "is",   "it",    "of",   "on",   "or",   "that", "the",  "this",
      "to",   "was",  "what", "when", "where", "which", "who",  "why",  "will", "with", "you",  "your"};
  return words;
}

struct Candidate {
  size_t source;
  size_t position;
  double score;
  std::string_view sentence;
};

}  // namespace

std::vector<std::string> extractive_answer_parts(std::string_view question, const std::vector<std::string>& sources,
                                                 size_t max_sentences) {
  if (sources.empty()) return {"I could not find anything about that in the indexed documents."};
  std::unordered_set<std::string> terms;
  for (auto& word : tokenize_words(question)) {
    if (!stopwords().count(word)) terms.insert(std::move(word));
  }
  std::vector<Candidate> candidates;
  std::unordered_set<std::string_view> seen_sentences;  // overlapping chunks repeat sentences
  for (size_t s = 0; s < sources.size(); ++s) {
    auto sentences = split_sentences(sources[s]);
    for (size_t p = 0; p < sentences.size(); ++p) {
      if (!seen_sentences.insert(sentences[p]).second) continue;
      // A Markdown heading matches the question best and answers it least.
      if (sentences[p].front() == '#') continue;
      auto words = tokenize_words(sentences[p]);
      std::unordered_set<std::string> matched;
      for (const auto& word : words) {
        if (terms.count(word)) matched.insert(word);
      }
      if (matched.empty()) continue;
      // Coverage of the question, per length, dominates. The retriever's order and the
      // sentence's place in its passage count too: the best passage's opening sentences
      // usually say what it is about (the lead bias of extractive summaries).
      double coverage = static_cast<double>(matched.size()) / std::sqrt(static_cast<double>(words.size()) + 4.0);
      double source_prior = 1.0 / (1.0 + 0.5 * static_cast<double>(s));
      double lead_prior = 1.0 / (1.0 + 0.1 * static_cast<double>(p));
      double score = coverage * source_prior * lead_prior;
      candidates.push_back({s, p, score, sentences[p]});
    }
  }
  if (candidates.empty()) {
    auto first = split_sentences(sources[0]);
    if (first.empty()) return {"I could not find anything about that in the indexed documents."};
    return {std::string(first[0]) + " [1]"};
  }
  std::stable_sort(candidates.begin(), candidates.end(),
                   [](const Candidate& a, const Candidate& b) { return a.score > b.score; });
  if (candidates.size() > max_sentences) candidates.resize(max_sentences);
  std::sort(candidates.begin(), candidates.end(), [](const Candidate& a, const Candidate& b) {
    return a.source != b.source ? a.source < b.source : a.position < b.position;
  });
  std::vector<std::string> parts;
  for (const auto& candidate : candidates) {
    parts.push_back(std::string(candidate.sentence) + " [" + std::to_string(candidate.source + 1) + "]");
  }
  return parts;
}

std::string extractive_answer(std::string_view question, const std::vector<std::string>& sources,
                              size_t max_sentences) {
  std::string answer;
  for (const auto& part : extractive_answer_parts(question, sources, max_sentences)) {
    if (!answer.empty()) answer += ' ';
    answer += part;
  }
  return answer;
}

}  // namespace ragscale::serve
