#include "serve/api/rate_limits.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace ragscale::serve {
namespace {

using namespace std::chrono_literals;
using resilience::TimePoint;

const TimePoint kStart{1h};

std::string header(const RateLimits::Decision& decision, std::string_view name) {
  return std::string(decision.headers.get(name).value_or("(none)"));
}

TEST(RateLimits, ABurstPassesThenARefusalSaysWhenToRetry) {
  RateLimits limits("3/min", "", "");
  for (int i = 0; i < 3; ++i) {
    auto decision = limits.decide("key:a", Route::kQuery, false, kStart);
    ASSERT_TRUE(decision.allowed) << i;
    EXPECT_EQ(header(decision, "X-RateLimit-Limit"), "3");
    EXPECT_EQ(header(decision, "X-RateLimit-Remaining"), std::to_string(2 - i));
    // One token comes back every 20 s: the bucket is full again 20 s per token missing.
    EXPECT_EQ(header(decision, "X-RateLimit-Reset"), std::to_string(20 * (i + 1)));
    EXPECT_FALSE(decision.headers.has("Retry-After"));
  }
  auto refused = limits.decide("key:a", Route::kQuery, false, kStart + 5s);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(header(refused, "Retry-After"), "15");
  EXPECT_EQ(header(refused, "X-RateLimit-Limit"), "3");
  EXPECT_EQ(header(refused, "X-RateLimit-Remaining"), "0");
  EXPECT_EQ(header(refused, "X-RateLimit-Reset"), "55");
  EXPECT_NE(refused.message.find("3/min"), std::string::npos) << refused.message;
  EXPECT_NE(refused.message.find("rate_limit"), std::string::npos) << refused.message;
  // Retrying when told succeeds.
  EXPECT_FALSE(limits.decide("key:a", Route::kQuery, false, kStart + 19s).allowed);
  EXPECT_TRUE(limits.decide("key:a", Route::kQuery, false, kStart + 20s).allowed);
}

TEST(RateLimits, RetryAfterIsWholeSecondsAndAtLeastOne) {
  RateLimits limits("10/s", "", "");
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(limits.decide("a", Route::kSearch, false, kStart).allowed);
  auto refused = limits.decide("a", Route::kSearch, false, kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_EQ(header(refused, "Retry-After"), "1");  // 100 ms, rounded up
  EXPECT_EQ(header(refused, "X-RateLimit-Reset"), "1");
}

TEST(RateLimits, TheLimitHeaderIsTheAmountPerWindowWhateverTheBurst) {
  RateLimits limits("100/min:burst=20", "", "");
  auto decision = limits.decide("a", Route::kQuery, false, kStart);
  EXPECT_EQ(header(decision, "X-RateLimit-Limit"), "100");
  EXPECT_EQ(header(decision, "X-RateLimit-Remaining"), "19");
  EXPECT_EQ(header(decision, "X-RateLimit-Reset"), "1");  // 0.6 s for one token
  RateLimits slow("0.5/s", "", "");
  EXPECT_EQ(header(slow.decide("a", Route::kQuery, false, kStart), "X-RateLimit-Limit"), "0.5");
}

TEST(RateLimits, EachIdentityHasItsOwnBucket) {
  RateLimits limits("2/min", "", "");
  ASSERT_TRUE(limits.decide("key:a", Route::kQuery, false, kStart).allowed);
  ASSERT_TRUE(limits.decide("key:a", Route::kQuery, false, kStart).allowed);
  ASSERT_FALSE(limits.decide("key:a", Route::kQuery, false, kStart).allowed);
  auto other = limits.decide("key:b", Route::kQuery, false, kStart);
  EXPECT_TRUE(other.allowed);
  EXPECT_EQ(header(other, "X-RateLimit-Remaining"), "1");
  // The general limit is one bucket per client across its routes.
  EXPECT_FALSE(limits.decide("key:a", Route::kSearch, false, kStart).allowed);
}

TEST(RateLimits, ARoutesOwnLimitReplacesTheGeneralOne) {
  RateLimits limits("2/min", "", "/api/v1/search=5/min, /query=1/min");
  for (int i = 0; i < 5; ++i) {
    auto decision = limits.decide("a", Route::kSearch, false, kStart);
    ASSERT_TRUE(decision.allowed) << i;
    EXPECT_EQ(header(decision, "X-RateLimit-Limit"), "5");
  }
  EXPECT_FALSE(limits.decide("a", Route::kSearch, false, kStart).allowed);
  auto query = limits.decide("a", Route::kQuery, false, kStart);
  EXPECT_TRUE(query.allowed);
  EXPECT_EQ(header(query, "X-RateLimit-Limit"), "1");
  auto refused = limits.decide("a", Route::kQuery, false, kStart);
  EXPECT_FALSE(refused.allowed);
  EXPECT_NE(refused.message.find("route_rate_limits for /query"), std::string::npos) << refused.message;
  // The searches spent none of the general tokens.
  EXPECT_TRUE(limits.decide("a", Route::kRetrieval, false, kStart).allowed);
  EXPECT_TRUE(limits.decide("a", Route::kRetrieval, false, kStart).allowed);
  EXPECT_FALSE(limits.decide("a", Route::kRetrieval, false, kStart).allowed);
}

TEST(RateLimits, UploadsCountAgainstTheirOwnLimit) {
  RateLimits limits("3/min", "1/min", "");
  EXPECT_TRUE(limits.decide("a", Route::kUpload, true, kStart).allowed);
  auto refused = limits.decide("a", Route::kList, true, kStart);  // POST /documents is an upload too
  EXPECT_FALSE(refused.allowed);
  EXPECT_NE(refused.message.find("upload_rate_limit"), std::string::npos) << refused.message;
  EXPECT_EQ(header(refused, "Retry-After"), "60");
  // GET /documents is not an upload: the general limit, untouched by the uploads.
  auto listing = limits.decide("a", Route::kList, false, kStart);
  EXPECT_TRUE(listing.allowed);
  EXPECT_EQ(header(listing, "X-RateLimit-Remaining"), "2");
  // Without an upload limit, uploads share the general one.
  RateLimits general_only("1/min", "", "");
  EXPECT_TRUE(general_only.decide("a", Route::kUpload, true, kStart).allowed);
  EXPECT_FALSE(general_only.decide("a", Route::kQuery, false, kStart).allowed);
}

TEST(RateLimits, ProbesLoginAndUnmatchedPathsAreNeverLimited) {
  RateLimits limits("1/min", "1/min", "");
  for (Route route : {Route::kHealth, Route::kReady, Route::kStartup, Route::kMetrics, Route::kLogin,
                      Route::kUnknown}) {
    EXPECT_FALSE(limits.applies(route, false)) << route_label(route);
    for (int i = 0; i < 5; ++i) {
      auto decision = limits.decide("a", route, false, kStart);
      EXPECT_TRUE(decision.allowed) << route_label(route);
      EXPECT_EQ(decision.headers.size(), 0u) << route_label(route);
    }
  }
  EXPECT_TRUE(limits.decide("a", Route::kQuery, false, kStart).allowed);
}

TEST(RateLimits, NothingIsLimitedWhenEveryLimitIsOff) {
  RateLimits limits("", " ", "");
  for (Route route : {Route::kQuery, Route::kSearch, Route::kUpload, Route::kList, Route::kDocument}) {
    EXPECT_FALSE(limits.applies(route, true));
    EXPECT_FALSE(limits.applies(route, false));
  }
  RateLimits uploads_only("", "1/min", "");
  EXPECT_TRUE(uploads_only.applies(Route::kUpload, true));
  EXPECT_FALSE(uploads_only.applies(Route::kQuery, false));
}

TEST(RateLimits, ABadRateThrows) {
  EXPECT_THROW(RateLimits("100", "", ""), std::invalid_argument);
  EXPECT_THROW(RateLimits("", "5/day", ""), std::invalid_argument);
  EXPECT_THROW(RateLimits("", "", "/query"), std::invalid_argument);
  EXPECT_NO_THROW(check_rate_setting(""));
  EXPECT_NO_THROW(check_rate_setting("100/min"));
  EXPECT_THROW(check_rate_setting("100/min:burst=0"), std::invalid_argument);
}

TEST(ParseRouteRates, NamesRoutesByPatternOrPathWithEitherSeparator) {
  auto rates = parse_route_rates(
      "/query=60/min, /api/v1/search=600/min:burst=50,/documents/{id}:10/s, /api/v1/documents/upload = 5/min");
  ASSERT_EQ(rates.size(), 4u);
  EXPECT_EQ(rates[0].route, Route::kQuery);
  EXPECT_EQ(rates[0].rate, "60/min");
  EXPECT_EQ(rates[1].route, Route::kSearch);
  EXPECT_EQ(rates[1].rate, "600/min:burst=50");
  EXPECT_EQ(rates[2].route, Route::kDocument);
  EXPECT_EQ(rates[2].rate, "10/s");
  EXPECT_EQ(rates[3].route, Route::kUpload);
  EXPECT_EQ(parse_route_rates("/api/v1/query=1/s")[0].route, Route::kQuery);
  EXPECT_EQ(parse_route_rates("/search=1/s")[0].route, Route::kSearch);
  EXPECT_TRUE(parse_route_rates("").empty());
  EXPECT_TRUE(parse_route_rates(" , ").empty());
}

TEST(ParseRouteRates, RefusalsSayWhatIsAccepted) {
  auto message = [](const char* text) {
    try {
      parse_route_rates(text);
    } catch (const std::invalid_argument& e) {
      return std::string(e.what());
    }
    return std::string("(accepted)");
  };
  EXPECT_NE(message("/query").find("expected ROUTE=RATE"), std::string::npos);
  EXPECT_NE(message("=5/s").find("expected ROUTE=RATE"), std::string::npos);
  EXPECT_NE(message("/nowhere=5/s").find("unknown route \"/nowhere\""), std::string::npos);
  EXPECT_NE(message("/nowhere=5/s").find("/api/v1/search"), std::string::npos) << message("/nowhere=5/s");
  EXPECT_NE(message("/health=5/s").find("never rate limited"), std::string::npos);
  EXPECT_NE(message("/auth/login=5/s").find("never rate limited"), std::string::npos);
  EXPECT_NE(message("/metrics=5/s").find("never rate limited"), std::string::npos);
  EXPECT_NE(message("/query=5/day").find("route /query: invalid rate"), std::string::npos) << message("/query=5/day");
  EXPECT_NE(message("/query=1/s,/api/v1/query=2/s").find("named twice"), std::string::npos);
}

TEST(ClientIdentity, IsTheCredentialsDigestWithAuthElseTheAddress) {
  http::Headers by_key;
  by_key.add("X-API-Key", "secret-k1");
  http::Headers by_bearer;
  by_bearer.add("Authorization", "Bearer secret-k1");
  http::Headers other;
  other.add("X-API-Key", "secret-k2");
  const auto identity = client_identity(by_key, "10.0.0.1", true);
  EXPECT_EQ(identity, client_identity(by_bearer, "10.0.0.2", true)) << "one credential, one bucket";
  EXPECT_NE(identity, client_identity(other, "10.0.0.1", true));
  EXPECT_EQ(identity.find("secret"), std::string::npos) << "the credential is never kept in clear";
  EXPECT_EQ(client_identity(by_key, "10.0.0.1", false), "addr:10.0.0.1");
  EXPECT_NE(client_identity(by_key, "10.0.0.1", false), client_identity(by_key, "10.0.0.2", false));
}

}  // namespace
}  // namespace ragscale::serve
