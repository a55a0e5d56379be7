#include "serve/retrieval/rank_fusion.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

TEST(RankFusionTest, IdsFoundByBothRankingsWin) {
  auto hits = reciprocal_rank_fusion({{1, 2, 3}, {3, 4, 1}}, 60.0);
  ASSERT_EQ(hits.size(), 4u);
  EXPECT_EQ(hits[0].id, 1);  // ranks 1 and 3
  EXPECT_EQ(hits[1].id, 3);  // ranks 3 and 1, seen later
  EXPECT_NEAR(hits[0].score, 1.0 / 61 + 1.0 / 63, 1e-12);
  EXPECT_EQ(hits[2].id, 2);
  EXPECT_EQ(hits[3].id, 4);
}

TEST(RankFusionTest, LimitAndEmptyInputs) {
  EXPECT_TRUE(reciprocal_rank_fusion({}).empty());
  EXPECT_TRUE(reciprocal_rank_fusion({{}, {}}).empty());
  auto hits = reciprocal_rank_fusion({{5, 6, 7}}, 1.0, 2);
  ASSERT_EQ(hits.size(), 2u);
  EXPECT_NEAR(hits[0].score, 0.5, 1e-12);
  EXPECT_NEAR(hits[1].score, 1.0 / 3, 1e-12);
}

}  // namespace
}  // namespace ragscale::serve
