#include "serve/storage/document_store.h"

#include <set>

#include "serve/text/tokenize.h"

namespace ragscale::serve {

std::vector<std::string> query_terms(std::string_view text) {
  std::vector<std::string> terms;
  std::set<std::string> seen;
  for (auto& word : tokenize_words(text)) {
    if (terms.size() >= 32) break;  // bounds the cost of pathological questions
    if (seen.insert(word).second) terms.push_back(std::move(word));
  }
  return terms;
}

}  // namespace ragscale::serve
