#include "load/scenario/data_source.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace ragscale::scenario {
namespace {

std::string error_of(const std::function<void()>& action) {
  try {
    action();
  } catch (const DataSourceError& e) {
    return e.what();
  }
  return "";
}

TEST(DataSource, LinesSkipBlanksAndCarriageReturns) {
  DataSource source = parse_lines("q", "what is rag?\r\n\n  \nhow do vectors work?", "q.txt");
  ASSERT_EQ(source.rows(), 2u);
  EXPECT_FALSE(source.has_named_columns());
  EXPECT_EQ(source.cell(0, 0), "what is rag?");
  EXPECT_EQ(source.cell(1, 0), "how do vectors work?");
}

TEST(DataSource, CsvUsesHeaderAndQuotedFields) {
  DataSource source = parse_csv("users", "name,password\nann,\"se,cret\"\r\n\"bo \"\"b\"\"\",x\n", "u.csv");
  ASSERT_EQ(source.rows(), 2u);
  EXPECT_EQ(source.column_index("password"), 1);
  EXPECT_EQ(source.column_index("missing"), -1);
  EXPECT_EQ(source.cell(0, 1), "se,cret");
  EXPECT_EQ(source.cell(1, 0), "bo \"b\"");
}

TEST(DataSource, CsvErrorsNameTheLine) {
  EXPECT_EQ(error_of([] { parse_csv("u", "a,b\n1,2\n3\n", "u.csv"); }),
            "u.csv:3: row has 1 fields but the header has 2; quote fields that contain commas");
  EXPECT_EQ(error_of([] { parse_csv("u", "a,b\n", "u.csv"); }),
            "u.csv: no data rows; add at least one item or remove the data source");
  EXPECT_EQ(error_of([] { parse_csv("u", "a,a\n1,2\n", "u.csv"); }), "u.csv:1: column 'a' appears twice in the header row");
  EXPECT_NE(error_of([] { parse_csv("u", "a\n\"open\n", "u.csv"); }).find("u.csv:2: unterminated quoted field"),
            std::string::npos);
}

TEST(DataSource, JsonlKeepsJsonTextOfNonStrings) {
  DataSource source = parse_jsonl("docs", "{\"q\":\"hi\",\"k\":5}\n\n{\"k\":true,\"extra\":{\"a\":1}}\n", "d.jsonl");
  ASSERT_EQ(source.rows(), 2u);
  ASSERT_EQ(source.columns(), (std::vector<std::string>{"q", "k", "extra"}));
  EXPECT_EQ(source.cell(0, 0), "hi");
  EXPECT_EQ(source.cell(0, 1), "5");
  EXPECT_EQ(source.cell(0, 2), "");
  EXPECT_EQ(source.cell(1, 1), "true");
  EXPECT_EQ(source.cell(1, 2), "{\"a\":1}");
}

TEST(DataSource, JsonlNumbersBeyondDoubleRangeDoNotCutTheText) {
  DataSource source = parse_jsonl("d", "{\"n\":9223372035e300,\"o\":{\"m\":-9223372035e300,\"k\":1}}\n", "d.jsonl");
  EXPECT_EQ(source.cell(0, 0), "Infinity");
  EXPECT_EQ(source.cell(0, 1), "{\"m\":-Infinity,\"k\":1}");
}

TEST(DataSource, JsonlErrorsNameTheLine) {
  EXPECT_NE(error_of([] { parse_jsonl("d", "{\"a\":1}\n{oops}\n", "d.jsonl"); }).find("d.jsonl:2: invalid JSON"),
            std::string::npos);
  EXPECT_EQ(error_of([] { parse_jsonl("d", "[1,2]\n", "d.jsonl"); }),
            "d.jsonl:1: expected a JSON object like {\"question\": \"...\"}");
}

TEST(DataSource, DeeplyNestedJsonlIsAnErrorNotACrash) {
  std::string deep(300000, '[');
  EXPECT_NE(error_of([&] { parse_jsonl("d", deep + "\n", "d.jsonl"); }).find("d.jsonl:1: invalid JSON (JSON nested deeper"),
            std::string::npos);
}

TEST(DataSource, LoadsFilesByExtension) {
  auto folder = std::filesystem::temp_directory_path() / ("ragscale_data_" + std::to_string(::getpid()));
  std::filesystem::create_directories(folder);
  std::ofstream(folder / "a.csv") << "x,y\n1,2\n";
  std::ofstream(folder / "b.jsonl") << "{\"x\":1}\n";
  std::ofstream(folder / "c.txt") << "one\ntwo\n";
  EXPECT_EQ(load_data_file("a", (folder / "a.csv").string()).columns().size(), 2u);
  EXPECT_EQ(load_data_file("b", (folder / "b.jsonl").string()).columns().size(), 1u);
  EXPECT_EQ(load_data_file("c", (folder / "c.txt").string()).rows(), 2u);
  EXPECT_NE(error_of([&] { load_data_file("d", (folder / "none.txt").string()); }).find("cannot open the file"),
            std::string::npos);
  std::filesystem::remove_all(folder);
}

}  // namespace
}  // namespace ragscale::scenario
