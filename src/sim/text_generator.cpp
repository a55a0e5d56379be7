#include "sim/text_generator.h"

#include <algorithm>
#include <array>
#include <cctype>
#include <set>

#include "sim/token_splitter.h"

namespace ragscale::sim {

namespace {

constexpr std::array<std::string_view, 10> kGenericSentences = {
    "The available information does not settle every detail of this question.",
    "In practice the answer depends on the workload, the data and the constraints of the system.",
    "A careful approach measures first and then changes one thing at a time.",
    "Most of the cost comes from a small number of slow steps, so those deserve attention first.",
    "Results should be checked against the original sources before they are relied on.",
    "Latency, throughput and error rate together describe how the service behaves under load.",
    "Caching repeated work and batching small requests usually give the largest gains.",
    "When a dependency fails, a fallback keeps the service useful while it recovers.",
    "Capacity planning starts from the peak load and adds headroom for growth.",
    "These points summarize the main considerations for the question asked.",
};

// Lines that start with these read like instructions to the model, not source text.
constexpr std::array<std::string_view, 16> kInstructionOpenings = {
    "you ",    "answer",  "use ",   "using ",   "if ",      "question", "context", "sources",
    "please",  "do not",  "don't", "cite",     "based on", "respond",  "only ",   "system",
};

struct Sentence {
  std::string text;
  std::string label;  // "[2]" when the source was numbered
  size_t order = 0;
  size_t score = 0;
};

std::string lower(std::string_view text) {
  std::string out(text);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view trim(std::string_view text) {
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.front()))) text.remove_prefix(1);
  while (!text.empty() && std::isspace(static_cast<unsigned char>(text.back()))) text.remove_suffix(1);
  return text;
}

// Words of four letters or more, lowercased: the ones that carry meaning.
std::set<std::string> content_words(std::string_view text) {
  std::set<std::string> words;
  std::string word;
  auto flush = [&] {
    if (word.size() >= 4) words.insert(word);
    word.clear();
  };
  for (char c : text) {
    if (std::isalnum(static_cast<unsigned char>(c))) word.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
    else flush();
  }
  flush();
  return words;
}

// Strips a leading source marker ("[3]", "Source 3:", "Document 3:") and returns its label.
std::string take_source_label(std::string_view& line) {
  if (line.size() > 2 && line.front() == '[') {
    size_t close = line.find(']');
    if (close != std::string_view::npos && close > 1 && close <= 12) {
      std::string_view inside = line.substr(1, close - 1);
      std::string_view number = inside;
      for (std::string_view prefix : {"Source ", "source ", "Doc ", "Document "}) {
        if (number.substr(0, prefix.size()) == prefix) number.remove_prefix(prefix.size());
      }
      if (!number.empty() && std::all_of(number.begin(), number.end(), [](char c) { return std::isdigit(static_cast<unsigned char>(c)); })) {
        line = trim(line.substr(close + 1));
        return "[" + std::string(number) + "]";
      }
    }
  }
  for (std::string_view prefix : {"Source ", "Document ", "Doc "}) {
    if (line.substr(0, prefix.size()) != prefix) continue;
    size_t i = prefix.size();
    size_t digits_start = i;
    while (i < line.size() && std::isdigit(static_cast<unsigned char>(line[i]))) ++i;
    if (i > digits_start && i < line.size() && line[i] == ':') {
      std::string label = "[" + std::string(line.substr(digits_start, i - digits_start)) + "]";
      line = trim(line.substr(i + 1));
      return label;
    }
  }
  return {};
}

std::string_view strip_bullet(std::string_view line) {
  if (!line.empty() && (line.front() == '-' || line.front() == '*')) return trim(line.substr(1));
  return line;
}

bool reads_like_source(std::string_view sentence) {
  if (sentence.empty() || sentence.back() == '?' || sentence.back() == ':') return false;
  size_t words = 1 + static_cast<size_t>(std::count(sentence.begin(), sentence.end(), ' '));
  if (words < 4 || words > 80) return false;
  std::string opening = lower(sentence.substr(0, 16));
  for (std::string_view instruction : kInstructionOpenings) {
    if (opening.compare(0, instruction.size(), instruction) == 0) return false;
  }
  return std::any_of(sentence.begin(), sentence.end(), [](char c) { return std::isalpha(static_cast<unsigned char>(c)); });
}

std::vector<Sentence> extract_sentences(std::string_view prompt, std::string_view question) {
  std::set<std::string> question_words = content_words(question);
  std::vector<Sentence> sentences;
  std::string label;
  size_t line_start = 0;
  while (line_start <= prompt.size()) {
    size_t line_end = prompt.find('\n', line_start);
    if (line_end == std::string_view::npos) line_end = prompt.size();
    std::string_view line = trim(prompt.substr(line_start, line_end - line_start));
    line_start = line_end + 1;
    if (line.empty()) continue;
    std::string line_label = take_source_label(line);
    if (!line_label.empty()) label = line_label;
    line = strip_bullet(line);
    // Sentences end at . ! ? followed by a space or the end of the line.
    size_t start = 0;
    for (size_t i = 0; i < line.size(); ++i) {
      char c = line[i];
      bool end_of_sentence = (c == '.' || c == '!' || c == '?') && (i + 1 == line.size() || line[i + 1] == ' ');
      if (!end_of_sentence && i + 1 != line.size()) continue;
      std::string_view sentence = trim(line.substr(start, i + 1 - start));
      start = i + 1;
      if (!reads_like_source(sentence)) continue;
      Sentence s;
      s.text = std::string(sentence);
      s.label = label;
      s.order = sentences.size();
      for (const auto& word : content_words(sentence)) s.score += question_words.count(word);
      sentences.push_back(std::move(s));
    }
  }
  // The question itself often sits in the prompt; quoting it back is no answer.
  std::string question_text(trim(question));
  sentences.erase(std::remove_if(sentences.begin(), sentences.end(),
                                 [&](const Sentence& s) { return !question_text.empty() && s.text == question_text; }),
                  sentences.end());
  std::stable_sort(sentences.begin(), sentences.end(), [](const Sentence& a, const Sentence& b) { return a.score > b.score; });
  return sentences;
}

// "Text ends here." + "[2]" -> "Text ends here [2]."
std::string with_label(const Sentence& sentence) {
  if (sentence.label.empty()) return sentence.text;
  std::string text = sentence.text;
  char last = text.back();
  if (last == '.' || last == '!') {
    text.pop_back();
    return text + " " + sentence.label + last;
  }
  return text + " " + sentence.label;
}

}  // namespace

std::vector<std::string> source_sentences(std::string_view prompt, std::string_view question) {
  std::vector<std::string> out;
  for (const auto& sentence : extract_sentences(prompt, question)) out.push_back(with_label(sentence));
  return out;
}

Answer compose_answer(std::string_view prompt, std::string_view question, size_t tokens, Random& random) {
  Answer answer;
  if (tokens == 0) return answer;
  std::vector<Sentence> sentences = extract_sentences(prompt, question);
  size_t next_source = 0;
  size_t generic = random.below(kGenericSentences.size());
  size_t counted = 0;
  while (counted < tokens) {
    std::string sentence;
    if (next_source < sentences.size()) {
      sentence = with_label(sentences[next_source++]);
    } else {
      sentence = std::string(kGenericSentences[generic]);
      generic = (generic + 1) % kGenericSentences.size();
    }
    if (!answer.text.empty()) sentence.insert(sentence.begin(), ' ');
    counted += count_tokens(sentence);
    answer.text += sentence;
  }
  split_tokens(answer.text, answer.token_starts);
  if (answer.token_starts.size() > tokens) {
    answer.text.resize(answer.token_starts[tokens]);
    answer.token_starts.resize(tokens);
  }
  return answer;
}

}  // namespace ragscale::sim
