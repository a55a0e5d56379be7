// The text documents of a folder, as `ragscale ingest` uploads them and `ragscale serve
// --load-dir` loads them: regular files named *.md, *.markdown, *.txt, *.text or *.rst,
// sorted by name; each titled by its first-line Markdown heading ("# Title"), else by
// its file name without the extension.
#pragma once

#include <filesystem>
#include <string>
#include <vector>

namespace ragscale {

// Throws std::invalid_argument naming the folder when it does not exist, is not a
// folder, or holds no such file.
std::vector<std::filesystem::path> documents_in(const std::filesystem::path& folder);

std::string document_title(const std::filesystem::path& file, const std::string& text);

// The whole file; throws std::runtime_error naming it when it cannot be read.
std::string read_document(const std::filesystem::path& file);

}  // namespace ragscale
