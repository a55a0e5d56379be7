// RateLimits: the per-client rate limits of `ragscale serve` — a general limit, one for
// uploads, optional ones per route — and the headers that report them to the client.
//
// Contract:
// - Each limit is a KeyedRateLimiter: one token bucket per client identity, one token a
//   request. One limit judges a request, the most specific that is set: the route's own
//   (route_rate_limits), else for an upload the upload limit, else the general one
//   (rate_limit). A request none of them covers is not limited. The probes (/health,
//   /ready, /startup, /metrics), /auth/login (it has its own throttle) and unmatched
//   paths are never limited: an orchestrator's probes must not fail because a client
//   is busy.
// - client_identity(): with auth on, the SHA-256 digest of the credential the request
//   presented (never the credential itself: memory holds no secret); with auth off, the
//   client's IP address.
// - decide() reports, allowed or not, X-RateLimit-Limit (requests per window as
//   configured: 100 for "100/min"), X-RateLimit-Remaining (whole requests left now) and
//   X-RateLimit-Reset (whole seconds until the bucket is full again, rounded up). A
//   refusal adds Retry-After: whole seconds, at least 1, rounded up, so a retry then
//   passes unless the client spent tokens meanwhile.
// - share(): with Redis (--cache), each limit's buckets are shared by every replica
//   using that Redis (resilience/shared_rate_limiter.h): decisions stay immediate and
//   local, reconciled with the shared bucket; with Redis down they are the local
//   bucket's alone, counted in degraded().
// - Thread-safe: the set of limits is fixed at construction (share() is called before
//   the service starts); each limiter locks itself.
#pragma once

#include <array>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "http/message.h"
#include "serve/api/routes.h"
#include "redis/redis_client.h"
#include "serve/resilience/keyed_rate_limiter.h"
#include "serve/resilience/shared_rate_limiter.h"

namespace ragscale::serve {

// Never rate limited: the probes, /auth/login and unmatched paths.
bool rate_limit_exempt(Route route);

// rate_limit, upload_rate_limit: empty or blank (off), else a rate parse_rate() reads.
// Throws std::invalid_argument saying what is accepted.
void check_rate_setting(std::string_view text);

struct RouteRate {
  Route route = Route::kUnknown;
  std::string rate;  // as parse_rate() reads it
};

// route_rate_limits: "ROUTE=RATE,ROUTE=RATE" ("ROUTE:RATE" too, which is what a YAML
// mapping becomes). ROUTE is a route's pattern as route_label() names it ("/query",
// "/api/v1/search", "/documents/{id}"), or any path of that route; RATE as parse_rate().
// Empty text: no per-route limit. Throws std::invalid_argument saying what is accepted
// for a malformed pair, an unknown or never-limited route, a bad rate, a route named
// twice.
std::vector<RouteRate> parse_route_rates(std::string_view text);

// Whom a request's tokens are counted against (see the contract above). `auth_enabled`
// must be the authenticator's: with auth on, every limited route needs a credential.
std::string client_identity(const http::Headers& headers, std::string_view peer_address, bool auth_enabled);

class RateLimits {
 public:
  static constexpr size_t kMaxKeys = 100000;  // identities tracked per limit

  struct Decision {
    bool allowed = true;
    http::Headers headers;  // the X-RateLimit-* headers (and Retry-After when refused); none if unlimited
    std::string message;    // when refused: which limit and when to retry, for the 429 body
  };

  // Each text is a setting's value; empty turns that limit off. Throws
  // std::invalid_argument for a bad one (the settings are checked when loaded, so the
  // service never does).
  RateLimits(std::string_view general, std::string_view uploads, std::string_view per_route,
             size_t max_keys = kMaxKeys);

  // Whether any limit covers `route` (an upload when `upload`): when not, decide() would
  // allow with no headers, and the identity need not be worked out.
  bool applies(Route route, bool upload) const { return limit_for(route, upload) != nullptr; }

  // Takes a token from `identity`'s bucket of the limit covering the request.
  Decision decide(std::string_view identity, Route route, bool upload, resilience::TimePoint now);

  // Moves every limit's buckets to `redis` (which outlives this).
  void share(redis::RedisClient& redis);
  // Decisions made by a local bucket alone because Redis was down.
  uint64_t degraded() const;

 private:
  struct Limit {
    Limit(std::string setting, std::string_view rate, size_t max_keys);
    std::string setting;  // which setting it came from, for the refusal's message
    std::string text;     // the rate as configured, e.g. "100/min"
    resilience::RateSpec spec;
    resilience::KeyedRateLimiter buckets;
    std::unique_ptr<resilience::SharedRateLimiter> shared;  // with share()
  };
  static constexpr size_t kRoutes = static_cast<size_t>(Route::kUnknown) + 1;

  Limit* limit_for(Route route, bool upload) const;

  std::unique_ptr<Limit> general_;
  std::unique_ptr<Limit> uploads_;
  std::array<std::unique_ptr<Limit>, kRoutes> routes_;
};

}  // namespace ragscale::serve
