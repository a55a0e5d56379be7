#include "common/document_folder.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

namespace ragscale {
namespace {

namespace fs = std::filesystem;

TEST(DocumentFolder, ListsTextDocumentsByNameAndRefusesEmptyOrMissingFolders) {
  fs::path folder = fs::temp_directory_path() / ("ragscale_docs_" + std::to_string(::getpid()));
  fs::create_directories(folder / "sub");
  std::ofstream(folder / "b.md") << "# B\n";
  std::ofstream(folder / "a.TXT") << "a";
  std::ofstream(folder / "image.png") << "x";
  auto files = documents_in(folder);
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].filename(), "a.TXT");
  EXPECT_EQ(files[1].filename(), "b.md");
  EXPECT_THROW(documents_in(folder / "sub"), std::invalid_argument);
  EXPECT_THROW(documents_in(folder / "missing"), std::invalid_argument);
  EXPECT_THROW(documents_in(folder / "b.md"), std::invalid_argument);
  fs::remove_all(folder);
}

TEST(DocumentFolder, TitleIsTheFirstHeadingOrTheFileName) {
  EXPECT_EQ(document_title("x/rag.md", "# How does RAG work?\r\nText"), "How does RAG work?");
  EXPECT_EQ(document_title("x/rag.md", "Text first\n# Later heading"), "rag");
  EXPECT_EQ(document_title("x/notes.txt", "# \n"), "notes");
}

}  // namespace
}  // namespace ragscale
