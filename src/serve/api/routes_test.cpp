#include "serve/api/routes.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

TEST(RoutesTest, MatchesWithOrWithoutPrefixAndTrailingSlash) {
  EXPECT_EQ(match_route("/query").route, Route::kQuery);
  EXPECT_EQ(match_route("/api/v1/query/").route, Route::kQuery);
  EXPECT_EQ(match_route("/api/v1/search").route, Route::kSearch);
  EXPECT_EQ(match_route("/search").route, Route::kSearch);
  EXPECT_EQ(match_route("/documents").route, Route::kList);
  EXPECT_EQ(match_route("/api/v1/documents/upload").route, Route::kUpload);
  EXPECT_EQ(match_route("/health").route, Route::kHealth);
  EXPECT_EQ(match_route("/").route, Route::kUnknown);
  EXPECT_EQ(match_route("/api/v1/").route, Route::kUnknown);
  EXPECT_EQ(match_route("/documents/1/chunks").route, Route::kUnknown);
}

TEST(RoutesTest, DocumentRoutesCarryTheIdSegment) {
  auto status = match_route("/api/v1/documents/42/status");
  EXPECT_EQ(status.route, Route::kStatus);
  EXPECT_EQ(status.id_text, "42");
  auto document = match_route("/documents/abc");
  EXPECT_EQ(document.route, Route::kDocument);
  EXPECT_EQ(document.id_text, "abc");  // validated by the handler, which answers 400
}

TEST(RoutesTest, MethodsAndLabels) {
  auto document = match_route("/documents/7");
  EXPECT_TRUE(method_allowed(document, "GET"));
  EXPECT_TRUE(method_allowed(document, "DELETE"));
  EXPECT_TRUE(method_allowed(document, "HEAD"));
  EXPECT_FALSE(method_allowed(document, "POST"));
  EXPECT_FALSE(method_allowed(match_route("/query"), "GET"));
  EXPECT_TRUE(method_allowed(match_route("/documents"), "POST"));
  EXPECT_STREQ(route_label(document.route), "/documents/{id}");
  EXPECT_STREQ(route_label(Route::kUnknown), "unmatched");
}

}  // namespace
}  // namespace ragscale::serve
