// The router's head judgement with rate limits on: the order of refusals, the headers
// of accepted and refused requests, the exempt routes and the metrics.
#include "serve/api/request_router.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

http::MessageHead head(std::string method, std::string target, std::string key = {},
                       std::string peer = "127.0.0.1") {
  http::MessageHead head;
  head.method = std::move(method);
  head.target = std::move(target);
  if (!key.empty()) head.headers.add("X-API-Key", std::move(key));
  head.peer_address = std::move(peer);
  return head;
}

int status(const http::HeadDecision& decision) { return decision.refuse ? decision.refuse->status : 0; }

std::string header(const http::Headers& headers, std::string_view name) {
  return std::string(headers.get(name).value_or("(none)"));
}

ServeConfig limited(std::string rate, std::vector<std::string> keys = {}) {
  ServeConfig config;
  config.rate_limit = std::move(rate);
  config.api_keys = std::move(keys);
  return config;
}

TEST(RequestRouterRateLimits, PastTheBurstAKeyGets429WithHeadersAndOtherKeysPass) {
  ServiceContext context(limited("2/min", {"k1", "k2"}));
  RequestRouter router(context);
  for (int i = 0; i < 2; ++i) {
    auto accepted = router.judge_head(head("POST", "/query", "k1"));
    ASSERT_EQ(status(accepted), 0) << i;
    EXPECT_EQ(header(accepted.response_headers, "X-RateLimit-Limit"), "2");
    EXPECT_EQ(header(accepted.response_headers, "X-RateLimit-Remaining"), std::to_string(1 - i));
  }
  auto refused = router.judge_head(head("POST", "/query", "k1"));
  ASSERT_EQ(status(refused), 429);
  const auto& response = *refused.refuse;
  EXPECT_EQ(header(response.headers, "Retry-After"), "30");
  EXPECT_EQ(header(response.headers, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(header(response.headers, "X-RateLimit-Reset"), "60");
  EXPECT_EQ(header(response.headers, "Content-Type"), "application/json");
  EXPECT_NE(response.body.find("\"rate_limited\""), std::string::npos) << response.body;
  EXPECT_EQ(status(router.judge_head(head("POST", "/query", "k2"))), 0);
  EXPECT_EQ(context.metrics.rate_limited_total("/query"), 1u);
  auto text = context.metrics.render({});
  EXPECT_NE(text.find("ragscale_requests_total{route=\"/query\",status=\"429\"} 1\n"), std::string::npos) << text;
  EXPECT_NE(text.find("ragscale_rate_limited_total{route=\"/query\"} 1\n"), std::string::npos) << text;
}

TEST(RequestRouterRateLimits, ClientErrorsComeFirstAndSpendNoTokens) {
  ServiceContext context(limited("1/min", {"k1"}));
  RequestRouter router(context);
  ASSERT_EQ(status(router.judge_head(head("POST", "/query", "k1"))), 0);
  // k1's bucket is empty, yet whoever has no valid key is told so, not to slow down.
  EXPECT_EQ(status(router.judge_head(head("POST", "/query"))), 401);
  EXPECT_EQ(status(router.judge_head(head("POST", "/query", "wrong"))), 401);
  EXPECT_EQ(status(router.judge_head(head("POST", "/nowhere", "k1"))), 404);
  EXPECT_EQ(status(router.judge_head(head("GET", "/query", "k1"))), 405);
  EXPECT_EQ(status(router.judge_head(head("POST", "/query", "k1"))), 429);
  EXPECT_EQ(context.metrics.rate_limited_total("/query"), 1u);
  EXPECT_EQ(context.metrics.rate_limited_total("unmatched"), 0u);
}

TEST(RequestRouterRateLimits, ProbesAndLoginAreNeverLimited) {
  ServiceContext context(limited("1/min", {"k1"}));
  RequestRouter router(context);
  ASSERT_EQ(status(router.judge_head(head("POST", "/query", "k1"))), 0);
  ASSERT_EQ(status(router.judge_head(head("POST", "/query", "k1"))), 429);
  for (const char* path : {"/health", "/ready", "/startup", "/metrics"}) {
    for (int i = 0; i < 3; ++i) {
      auto decision = router.judge_head(head("GET", path, i == 0 ? "k1" : ""));
      EXPECT_EQ(status(decision), 0) << path;
      EXPECT_FALSE(decision.response_headers.has("X-RateLimit-Limit")) << path;
    }
  }
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status(router.judge_head(head("POST", "/auth/login"))), 0);
}

TEST(RequestRouterRateLimits, WithAuthOffEachAddressHasItsOwnBucket) {
  ServiceContext context(limited("1/min"));
  RequestRouter router(context);
  EXPECT_EQ(status(router.judge_head(head("POST", "/api/v1/search", {}, "10.0.0.1"))), 0);
  EXPECT_EQ(status(router.judge_head(head("POST", "/api/v1/search", {}, "10.0.0.1"))), 429);
  EXPECT_EQ(status(router.judge_head(head("POST", "/api/v1/search", {}, "10.0.0.2"))), 0);
  EXPECT_EQ(context.metrics.rate_limited_total("/api/v1/search"), 1u);
}

TEST(RequestRouterRateLimits, UploadsHaveTheirOwnLimitAndRoutesTheirs) {
  ServeConfig config = limited("1/min");
  config.upload_rate_limit = "2/min";
  config.route_rate_limits = "/retrieval=3/min";
  ServiceContext context(config);
  RequestRouter router(context);
  EXPECT_EQ(status(router.judge_head(head("POST", "/api/v1/documents/upload"))), 0);
  EXPECT_EQ(status(router.judge_head(head("POST", "/documents"))), 0);
  EXPECT_EQ(status(router.judge_head(head("POST", "/documents"))), 429);
  EXPECT_EQ(context.metrics.rate_limited_total("/documents"), 1u);
  for (int i = 0; i < 3; ++i) EXPECT_EQ(status(router.judge_head(head("GET", "/retrieval?q=x"))), 0) << i;
  EXPECT_EQ(status(router.judge_head(head("GET", "/retrieval?q=x"))), 429);
  EXPECT_EQ(status(router.judge_head(head("GET", "/documents"))), 0);
  EXPECT_EQ(status(router.judge_head(head("GET", "/documents"))), 429);
}

TEST(RequestRouterRateLimits, NoLimitsNoHeaders) {
  ServiceContext context(ServeConfig{});
  RequestRouter router(context);
  for (int i = 0; i < 50; ++i) {
    auto decision = router.judge_head(head("POST", "/query"));
    ASSERT_EQ(status(decision), 0);
    EXPECT_EQ(decision.response_headers.size(), 0u);
  }
}

}  // namespace
}  // namespace ragscale::serve
