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

TEST(AuthenticatorTest, ThePresentedCredentialIsTheKeyElseTheBearerToken) {
  EXPECT_EQ(presented_credential(with("X-API-Key", "k1  ")), "k1");
  EXPECT_EQ(presented_credential(with("Authorization", "bearer tok")), "tok");
  EXPECT_EQ(presented_credential(with("Authorization", "Basic tok")), "");
  EXPECT_EQ(presented_credential({}), "");
  http::Headers both = with("Authorization", "Bearer tok");
  both.add("X-API-Key", "k1");
  EXPECT_EQ(presented_credential(both), "k1");
}

TEST(AuthenticatorTest, LoginIssuesExpiringTokens) {
  Authenticator auth({}, {{"alice", "wonderland"}}, std::chrono::seconds(10));
  EXPECT_FALSE(auth.login("alice", "wrong").token);
  EXPECT_FALSE(auth.login("bob", "wonderland").token);
  auto now = Authenticator::Clock::now();
  auto token = auth.login("alice", "wonderland", "", now).token;
  ASSERT_TRUE(token);
  EXPECT_EQ(token->size(), 4u + 64u);
  EXPECT_TRUE(auth.allows(with("Authorization", "Bearer " + *token), now + std::chrono::seconds(5)));
  EXPECT_FALSE(auth.allows(with("Authorization", "Bearer " + *token), now + std::chrono::seconds(11)));
  EXPECT_NE(*token, *auth.login("alice", "wonderland", "", now).token);
}

TEST(AuthenticatorTest, SecretsOfEveryLengthCompareByDigest) {
  EXPECT_TRUE(constant_time_equals("secret", "secret"));
  EXPECT_FALSE(constant_time_equals("secret", "secret-but-longer"));
  EXPECT_FALSE(constant_time_equals("", "x"));
  EXPECT_TRUE(constant_time_equals("", ""));
  Authenticator auth({"k"}, {}, std::chrono::hours(1));
  EXPECT_TRUE(auth.allows(with("X-API-Key", "k")));
  EXPECT_FALSE(auth.allows(with("X-API-Key", "kk")));
  EXPECT_FALSE(auth.allows(with("X-API-Key", std::string(10000, 'k'))));
}

// Without a limit a client could guess passwords as fast as the server answers.
TEST(AuthenticatorTest, RepeatedFailedLoginsAreRefusedForAMinute) {
  Authenticator auth({}, {{"alice", "wonderland"}, {"bob", "builder"}}, std::chrono::hours(1));
  auto now = Authenticator::Clock::now();
  for (int i = 0; i < 5; ++i) {
    auto attempt = auth.login("alice", "guess" + std::to_string(i), "", now + std::chrono::seconds(i));
    EXPECT_FALSE(attempt.token);
    EXPECT_EQ(attempt.retry_after.count(), 0) << i;
  }
  // Even the right password is refused now, unchecked, with the time to wait.
  auto refused = auth.login("alice", "wonderland", "", now + std::chrono::seconds(10));
  EXPECT_FALSE(refused.token);
  EXPECT_EQ(refused.retry_after, std::chrono::seconds(50));
  EXPECT_TRUE(auth.login("bob", "builder", "", now + std::chrono::seconds(10)).token);  // other users are not
  // A minute after the first failure, one more try is allowed.
  EXPECT_TRUE(auth.login("alice", "wonderland", "", now + std::chrono::seconds(61)).token);
}

TEST(AuthenticatorTest, FailedLoginsAreAlsoCountedPerClientAddress) {
  Authenticator auth({}, {{"alice", "wonderland"}}, std::chrono::hours(1));
  auto now = Authenticator::Clock::now();
  for (int i = 0; i < 5; ++i) auth.login("user" + std::to_string(i), "guess", "10.0.0.7", now);
  auto refused = auth.login("alice", "wonderland", "10.0.0.7", now);
  EXPECT_FALSE(refused.token);
  EXPECT_GT(refused.retry_after.count(), 0);
  EXPECT_TRUE(auth.login("alice", "wonderland", "10.0.0.8", now).token);
}

TEST(LoginThrottleTest, RemembersABoundedNumberOfKeys) {
  LoginThrottle throttle({5, std::chrono::seconds(60), 100});
  auto now = LoginThrottle::Clock::now();
  for (int i = 0; i < 1000; ++i) throttle.record_failure("made-up-" + std::to_string(i), now);
  EXPECT_EQ(throttle.keys(), 100u);
  for (int i = 0; i < 5; ++i) throttle.record_failure("made-up-999", now);
  EXPECT_GT(throttle.wait("made-up-999", now).count(), 0);
  EXPECT_EQ(throttle.wait("made-up-0", now).count(), 0);  // forgotten first
}

// Every login used to add a token that stayed until it expired (a day by default).
TEST(AuthenticatorTest, TheTokenStoreIsBoundedOldestFirst) {
  Authenticator auth({}, {{"alice", "wonderland"}}, std::chrono::hours(24), 100);
  auto now = Authenticator::Clock::now();
  auto first = auth.login("alice", "wonderland", "", now).token;
  std::optional<std::string> last;
  for (int i = 0; i < 1000; ++i) last = auth.login("alice", "wonderland", "", now + std::chrono::milliseconds(i)).token;
  EXPECT_EQ(auth.live_tokens(), 100u);
  EXPECT_FALSE(auth.allows(with("Authorization", "Bearer " + *first), now + std::chrono::seconds(2)));
  EXPECT_TRUE(auth.allows(with("Authorization", "Bearer " + *last), now + std::chrono::seconds(2)));
  // Expired tokens are purged at the next login.
  auth.login("alice", "wonderland", "", now + std::chrono::hours(25));
  EXPECT_EQ(auth.live_tokens(), 1u);
}

}  // namespace
}  // namespace ragscale::serve
