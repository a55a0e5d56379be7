#include "compare/compare_options.h"

#include <gtest/gtest.h>

#include <initializer_list>
#include <stdexcept>
#include <string>
#include <vector>

namespace ragscale::compare {
namespace {

CompareOptions parse(std::initializer_list<const char*> args) {
  std::vector<std::string> storage = {"compare"};
  storage.insert(storage.end(), args.begin(), args.end());
  std::vector<char*> argv;
  for (std::string& arg : storage) argv.push_back(arg.data());
  return parse_compare_options(int(argv.size()), argv.data());
}

std::string error_of(std::initializer_list<const char*> args) {
  try {
    parse(args);
  } catch (const std::invalid_argument& error) {
    return error.what();
  }
  return "";
}

TEST(CompareOptions, ReadsFilesAndFlags) {
  const CompareOptions defaults = parse({"a.json", "b.json"});
  EXPECT_EQ(defaults.base_file, "a.json");
  EXPECT_EQ(defaults.new_file, "b.json");
  EXPECT_EQ(defaults.max_regression_pct, 10);
  EXPECT_EQ(defaults.format, OutputFormat::kText);
  EXPECT_FALSE(defaults.force);
  const CompareOptions all = parse({"--format", "markdown", "a.json", "--max-regression", "5%", "b.json", "--force"});
  EXPECT_EQ(all.format, OutputFormat::kMarkdown);
  EXPECT_EQ(all.max_regression_pct, 5);
  EXPECT_TRUE(all.force);
  EXPECT_EQ(parse({"a", "b", "--format", "json"}).format, OutputFormat::kJson);
  EXPECT_TRUE(parse({"--help"}).help);
}

TEST(CompareOptions, RegressionLimitIsAPercentage) {
  EXPECT_EQ(parse_regression_limit("10%"), 10);
  EXPECT_EQ(parse_regression_limit("2.5"), 2.5);
  EXPECT_EQ(parse_regression_limit("0%"), 0);
  for (const char* bad : {"", "%", "-5%", "ten", "10%%", "5000", "nan"}) {
    EXPECT_THROW(parse_regression_limit(bad), std::invalid_argument) << bad;
  }
}

TEST(CompareOptions, BadInputSaysWhatToWrite) {
  EXPECT_NE(error_of({"a.json"}).find("ragscale compare BASE.json NEW.json"), std::string::npos);
  EXPECT_NE(error_of({}).find("give two summaries"), std::string::npos);
  EXPECT_NE(error_of({"a", "b", "c"}).find("'c' is a third"), std::string::npos);
  EXPECT_NE(error_of({"a", "b", "--format", "html"}).find("text, markdown or json"), std::string::npos);
  EXPECT_NE(error_of({"a", "b", "--max-regression"}).find("needs a value"), std::string::npos);
  EXPECT_NE(error_of({"a", "b", "--max-regression", "x"}).find("e.g. 10%"), std::string::npos);
  EXPECT_NE(error_of({"a", "b", "--bogus"}).find("unknown flag '--bogus'"), std::string::npos);
}

}  // namespace
}  // namespace ragscale::compare
