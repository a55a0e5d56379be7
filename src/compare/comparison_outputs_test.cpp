#include "compare/comparison_outputs.h"

#include <gtest/gtest.h>

#include <sstream>

#include <rapidjson/document.h>

#include "compare/simulated_run_test_support.h"

namespace ragscale::compare {
namespace {

Comparison slower_comparison() {
  testing::SimulatedRun run;
  testing::SimulatedRun slower = run;
  slower.latency_us *= 1.3;
  return compare_runs(testing::simulate_run(run, 1), "base.json", testing::simulate_run(slower, 2), "new.json", {});
}

TEST(CompareOutputs, JsonHoldsEveryFigureAndTheVerdict) {
  const Comparison comparison = slower_comparison();
  rapidjson::Document document;
  document.Parse(comparison_json(comparison).c_str());
  ASSERT_FALSE(document.HasParseError());
  EXPECT_STREQ(document["format"].GetString(), "ragscale-compare");
  EXPECT_STREQ(document["verdict"].GetString(), "regression");
  EXPECT_GT(document["regressions"].GetUint(), 0u);
  EXPECT_EQ(document["max_regression_pct"].GetDouble(), 10);
  const auto& names = document["names"];
  ASSERT_EQ(names.Size(), 2u);
  const auto& p50 = names[0]["figures"][0];
  EXPECT_STREQ(p50["figure"].GetString(), "p50");
  EXPECT_STREQ(p50["unit"].GetString(), "ms");
  EXPECT_NEAR(p50["base"].GetDouble(), 20.0, 1.0);
  EXPECT_NEAR(p50["delta_pct"].GetDouble(), 30, 3);
  ASSERT_TRUE(p50["ci"].IsArray());
  EXPECT_LT(p50["ci"][0].GetDouble(), p50["ci"][1].GetDouble());
  EXPECT_STREQ(p50["ci_unit"].GetString(), "%");
  EXPECT_STREQ(p50["verdict"].GetString(), "worse");
  const auto& errors = names[0]["figures"][4];
  EXPECT_STREQ(errors["figure"].GetString(), "error rate");
  EXPECT_TRUE(errors["delta_pct"].IsNull());
  EXPECT_STREQ(errors["ci_unit"].GetString(), "pp");
}

TEST(CompareOutputs, MarkdownIsATableWithAVerdictLine) {
  std::ostringstream out;
  write_comparison_markdown(out, slower_comparison());
  const std::string text = out.str();
  EXPECT_NE(text.find("### ragscale compare: regression"), std::string::npos);
  EXPECT_NE(text.find("**verdict: REGRESSION:"), std::string::npos);
  EXPECT_NE(text.find("| name | figure | base | new | change | interval of change | verdict |"), std::string::npos);
  EXPECT_NE(text.find("| GET /x | p50 | "), std::string::npos);
  EXPECT_NE(text.find("| **worse** |"), std::string::npos);
}

TEST(CompareOutputs, TextEndsWithTheVerdict) {
  std::ostringstream out;
  const Comparison comparison = slower_comparison();
  write_comparison_text(out, comparison);
  const std::string text = out.str();
  EXPECT_NE(text.find("GET /x\n"), std::string::npos);
  EXPECT_NE(text.find("Aggregated\n"), std::string::npos);
  EXPECT_NE(text.rfind("verdict: REGRESSION: "), std::string::npos);
  EXPECT_NE(text.find("GET /x p50 +3"), std::string::npos);
  EXPECT_EQ(verdict_line(compare_runs(testing::simulate_run({}, 1), "a", testing::simulate_run({}, 2), "b", {})),
            "verdict: no regression beyond 10.0%");
}

}  // namespace
}  // namespace ragscale::compare
