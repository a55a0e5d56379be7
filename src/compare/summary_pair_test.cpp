#include "compare/summary_pair.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <stdexcept>

#include "compare/simulated_run_test_support.h"

namespace ragscale::compare {
namespace {

class CompareSummaryPair : public ::testing::Test {
 protected:
  std::string path(const std::string& name) {
    const std::string full = ::testing::TempDir() + "compare_pair_" + name;
    files_.push_back(full);
    return full;
  }
  std::string write_summary(const std::string& name, const testing::SimulatedRun& run) {
    const output::RunSummary summary = testing::simulate_run(run, 1);
    const std::string file = path(name);
    output::write_json_summary_file(file, summary.info, summary.stats);
    return file;
  }
  std::string write_text(const std::string& name, const std::string& text) {
    const std::string file = path(name);
    std::ofstream(file) << text;
    return file;
  }
  std::string error_of(const std::string& base, const std::string& now, bool force = false) {
    try {
      read_summary_pair(base, now, force);
    } catch (const std::runtime_error& error) {
      return error.what();
    }
    return "";
  }
  void TearDown() override {
    for (const std::string& file : files_) std::remove(file.c_str());
  }

 private:
  std::vector<std::string> files_;
};

TEST_F(CompareSummaryPair, ReadsTwoSummaries) {
  const std::string a = write_summary("a.json", {});
  const std::string b = write_summary("b.json", {});
  const SummaryPair pair = read_summary_pair(a, b, false);
  EXPECT_EQ(pair.base.stats.aggregate().requests(), pair.now.stats.aggregate().requests());
}

TEST_F(CompareSummaryPair, BadFilesAreNamedWithTheWayOut) {
  const std::string good = write_summary("good.json", {});
  const std::string missing = error_of(good, path("missing.json"));
  EXPECT_NE(missing.find("missing.json"), std::string::npos);
  EXPECT_NE(missing.find("ragscale load --json"), std::string::npos);
  const std::string not_json = error_of(write_text("text.json", "hello"), good);
  EXPECT_NE(not_json.find("text.json: invalid JSON"), std::string::npos);
  EXPECT_NE(not_json.find("ragscale load --json"), std::string::npos);
  const std::string other = error_of(good, write_text("other.json", R"({"format": "something else"})"));
  EXPECT_NE(other.find("other.json: field '$.format'"), std::string::npos);
}

TEST_F(CompareSummaryPair, DifferentTargetsNeedForce) {
  testing::SimulatedRun elsewhere;
  elsewhere.host = "http://10.0.0.2:8080";
  const std::string a = write_summary("a.json", {});
  const std::string b = write_summary("b.json", elsewhere);
  const std::string refused = error_of(a, b);
  EXPECT_NE(refused.find("different targets"), std::string::npos);
  EXPECT_NE(refused.find("--force"), std::string::npos);
  EXPECT_EQ(error_of(a, b, true), "");
}

}  // namespace
}  // namespace ragscale::compare
