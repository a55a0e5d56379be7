#include "sim/rate_limiter.h"

#include <gtest/gtest.h>

namespace ragscale::sim {
namespace {

using namespace std::chrono_literals;

std::string header(const http::Headers& headers, std::string_view name) {
  auto value = headers.get(name);
  return value ? std::string(*value) : std::string("<missing>");
}

TEST(SimRateLimiter, UnlimitedAdmitsEverythingWithoutHeaders) {
  RateLimiter limiter({});
  auto now = net::Clock::now();
  for (int i = 0; i < 1000; ++i) EXPECT_TRUE(limiter.admit("k", 1000000, now).allowed);
  http::Headers headers;
  limiter.add_headers(limiter.admit("k", 1, now), headers);
  EXPECT_EQ(headers.size(), 0u);
}

TEST(SimRateLimiter, BurstOfTheMinuteLimitThenRefusedUntilRefill) {
  RateLimiter limiter({60, 0});  // one request a second
  auto start = net::Clock::now();
  for (int i = 0; i < 60; ++i) {
    auto decision = limiter.admit("key", 10, start);
    ASSERT_TRUE(decision.allowed) << i;
    EXPECT_EQ(decision.remaining_requests, static_cast<uint64_t>(59 - i));
  }
  auto refused = limiter.admit("key", 10, start);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.hit, RateLimitHit::kRequests);
  EXPECT_EQ(refused.retry_after, 1s);
  EXPECT_EQ(refused.reset_requests, 60s);
  EXPECT_FALSE(limiter.admit("key", 10, start + 999ms).allowed);
  EXPECT_TRUE(limiter.admit("key", 10, start + 1s).allowed);
  EXPECT_FALSE(limiter.admit("key", 10, start + 1s).allowed);
}

TEST(SimRateLimiter, KeysAreLimitedSeparately) {
  RateLimiter limiter({2, 0});
  auto now = net::Clock::now();
  EXPECT_TRUE(limiter.admit("a", 1, now).allowed);
  EXPECT_TRUE(limiter.admit("a", 1, now).allowed);
  EXPECT_FALSE(limiter.admit("a", 1, now).allowed);
  EXPECT_TRUE(limiter.admit("b", 1, now).allowed);
}

TEST(SimRateLimiter, TokenLimitCountsTokensAndRefusesWithoutTakingARequest) {
  RateLimiter limiter({100, 1000});
  auto now = net::Clock::now();
  EXPECT_TRUE(limiter.admit("k", 600, now).allowed);
  auto refused = limiter.admit("k", 600, now);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(refused.hit, RateLimitHit::kTokens);
  EXPECT_EQ(refused.remaining_tokens, 400u);
  EXPECT_EQ(refused.remaining_requests, 99u);  // the refused request took nothing
  // 200 more tokens at 1000/min take 12 s.
  EXPECT_EQ(refused.retry_after, 12s);
  EXPECT_TRUE(limiter.admit("k", 400, now).allowed);
}

TEST(SimRateLimiter, RequestLargerThanTheWholeLimitIsTooLarge) {
  RateLimiter limiter({0, 1000});
  auto decision = limiter.admit("k", 1001, net::Clock::now());
  EXPECT_FALSE(decision.allowed);
  EXPECT_TRUE(decision.too_large);
  http::Headers headers;
  limiter.add_headers(decision, headers);
  EXPECT_FALSE(headers.has("Retry-After"));
  EXPECT_NE(limiter.refusal_message(decision, "m").find("Request too large"), std::string::npos);
}

TEST(SimRateLimiter, HeadersLikeOpenAi) {
  RateLimiter limiter({500, 10000});
  auto now = net::Clock::now();
  http::Headers ok_headers;
  limiter.add_headers(limiter.admit("k", 100, now), ok_headers);
  EXPECT_EQ(header(ok_headers, "x-ratelimit-limit-requests"), "500");
  EXPECT_EQ(header(ok_headers, "x-ratelimit-remaining-requests"), "499");
  EXPECT_EQ(header(ok_headers, "x-ratelimit-reset-requests"), "120ms");
  EXPECT_EQ(header(ok_headers, "x-ratelimit-limit-tokens"), "10000");
  EXPECT_EQ(header(ok_headers, "x-ratelimit-remaining-tokens"), "9900");
  EXPECT_EQ(header(ok_headers, "x-ratelimit-reset-tokens"), "600ms");
  EXPECT_FALSE(ok_headers.has("Retry-After"));

  RateLimiter tight({1, 0});
  tight.admit("k", 1, now);
  auto refused = tight.admit("k", 1, now);
  http::Headers headers;
  tight.add_headers(refused, headers);
  EXPECT_EQ(header(headers, "Retry-After"), "60");
  EXPECT_EQ(header(headers, "retry-after-ms"), "60000");
  EXPECT_EQ(header(headers, "x-ratelimit-remaining-requests"), "0");
  EXPECT_EQ(header(headers, "x-ratelimit-reset-requests"), "1m");
  EXPECT_NE(tight.refusal_message(refused, "gpt").find("on requests per min (RPM): Limit 1"), std::string::npos);
}

TEST(SimRateLimiter, ForgetsFullKeysPastTheBound) {
  RateLimiter limiter({10, 0}, 4);
  auto now = net::Clock::now();
  for (int i = 0; i < 4; ++i) limiter.admit("key" + std::to_string(i), 1, now);
  EXPECT_EQ(limiter.tracked_keys(), 4u);
  limiter.admit("late", 1, now + 10s);  // the others are full again by then
  EXPECT_EQ(limiter.tracked_keys(), 1u);
}

}  // namespace
}  // namespace ragscale::sim
