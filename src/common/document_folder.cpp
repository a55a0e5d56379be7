#include "common/document_folder.h"

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>

namespace ragscale {

namespace fs = std::filesystem;

namespace {

bool is_text_document(const fs::path& path) {
  std::string extension = path.extension().string();
  std::transform(extension.begin(), extension.end(), extension.begin(), ::tolower);
  return extension == ".md" || extension == ".markdown" || extension == ".txt" || extension == ".text" ||
         extension == ".rst";
}

}  // namespace

std::vector<fs::path> documents_in(const fs::path& folder) {
  std::error_code error;
  if (!fs::exists(folder, error)) {
    throw std::invalid_argument(folder.string() + ": no such folder; give the folder of documents to load");
  }
  if (!fs::is_directory(folder, error)) {
    throw std::invalid_argument(folder.string() + ": not a folder; give the folder of documents to load");
  }
  std::vector<fs::path> files;
  for (const auto& entry : fs::directory_iterator(folder, error)) {
    if (entry.is_regular_file() && is_text_document(entry.path())) files.push_back(entry.path());
  }
  if (error) throw std::invalid_argument(folder.string() + ": cannot list: " + error.message());
  if (files.empty()) {
    throw std::invalid_argument(folder.string() + ": no documents (.md, .markdown, .txt, .text or .rst files) in it");
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string document_title(const fs::path& file, const std::string& text) {
  if (text.rfind("# ", 0) == 0) {
    size_t end = text.find('\n');
    std::string heading = text.substr(2, end == std::string::npos ? std::string::npos : end - 2);
    while (!heading.empty() && (heading.back() == '\r' || heading.back() == ' ')) heading.pop_back();
    if (!heading.empty()) return heading;
  }
  return file.stem().string();
}

std::string read_document(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + file.string());
  std::ostringstream contents;
  contents << in.rdbuf();
  return contents.str();
}

}  // namespace ragscale
