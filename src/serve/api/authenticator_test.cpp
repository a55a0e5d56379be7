#include "serve/api/authenticator.h"

#include <gtest/gtest.h>

namespace ragscale::serve {
namespace {

http::Headers with(std::string name, std::string value) {
  http::Headers headers;
  headers.add(std::move(name), std::move(value));
  return headers;
}

TEST(AuthenticatorTest, DisabledWithoutKeysOrUsers) {
  Authenticator auth({}, {}, std::chrono::hours(1));
  EXPECT_FALSE(auth.enabled());
  EXPECT_TRUE(auth.allows({}));
}

TEST(AuthenticatorTest, AcceptsApiKeyInEitherHeader) {
  Authenticator auth({"secret-1", "secret-2"}, {}, std::chrono::hours(1));
  EXPECT_TRUE(auth.allows(with("X-API-Key", "secret-2")));
  EXPECT_TRUE(auth.allows(with("authorization", "Bearer secret-1")));
  EXPECT_FALSE(auth.allows(with("X-API-Key", "secret-3")));
  EXPECT_FALSE(auth.allows(with("Authorization", "Basic secret-1")));
  EXPECT_FALSE(auth.allows({}));
}

TEST(AuthenticatorTest, LoginIssuesExpiringTokens) {
  Authenticator auth({}, {{"alice", "wonderland"}}, std::chrono::seconds(10));
  EXPECT_FALSE(auth.login("alice", "wrong"));
  EXPECT_FALSE(auth.login("bob", "wonderland"));
  auto now = Authenticator::Clock::now();
  auto token = auth.login("alice", "wonderland", now);
  ASSERT_TRUE(token);
  EXPECT_EQ(token->size(), 4u + 64u);
  EXPECT_TRUE(auth.allows(with("Authorization", "Bearer " + *token), now + std::chrono::seconds(5)));
  EXPECT_FALSE(auth.allows(with("Authorization", "Bearer " + *token), now + std::chrono::seconds(11)));
  EXPECT_NE(*token, *auth.login("alice", "wonderland", now));
}

}  // namespace
}  // namespace ragscale::serve
