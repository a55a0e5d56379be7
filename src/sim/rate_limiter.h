// Per-API-key request and token rate limits, answered the way OpenAI answers them.
//
// Contract: each key has two token buckets, one for requests and one for tokens, each
// holding up to a minute's allowance and refilling continuously at limit/60 per second
// (a burst of `limit` passes, then the steady rate). admit() takes one request and the
// request's token estimate (prompt + max output) from both buckets, or from neither when
// either falls short; it then says which limit was hit, when a retry can succeed
// (Retry-After) and what the x-ratelimit-* headers say: limit, remaining (after this
// request), and reset (time until the bucket is full again). A request whose token
// estimate exceeds the whole per-minute limit can never pass: too_large is set and no
// retry time is given. A limit of 0 means unlimited, and its headers are left out.
// Not thread-safe: one limiter per event loop. Keys are bounded: past max_keys, keys
// whose buckets are full again are forgotten (they would be recreated full anyway).
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "http/message.h"
#include "net/event_loop.h"

namespace ragscale::sim {

struct RateLimits {
  uint64_t requests_per_minute = 0;  // 0: unlimited
  uint64_t tokens_per_minute = 0;    // 0: unlimited
};

enum class RateLimitHit { kNone, kRequests, kTokens };

struct RateDecision {
  bool allowed = true;
  RateLimitHit hit = RateLimitHit::kNone;
  bool too_large = false;
  std::chrono::microseconds retry_after{0};
  uint64_t requested_tokens = 0;
  uint64_t remaining_requests = 0;
  uint64_t remaining_tokens = 0;
  std::chrono::microseconds reset_requests{0};
  std::chrono::microseconds reset_tokens{0};
};

class RateLimiter {
 public:
  explicit RateLimiter(RateLimits limits, size_t max_keys = 100000);

  RateDecision admit(std::string_view key, uint64_t tokens, net::TimePoint now);

  // x-ratelimit-{limit,remaining,reset}-{requests,tokens} for the configured limits, and
  // Retry-After (whole seconds, rounded up) plus retry-after-ms when the request was refused.
  void add_headers(const RateDecision& decision, http::Headers& headers) const;

  // OpenAI-style message for a refused request ("Rate limit reached ... on requests per
  // min (RPM): Limit 500, ... Please try again in 120ms.").
  std::string refusal_message(const RateDecision& decision, std::string_view model) const;

  const RateLimits& limits() const { return limits_; }
  bool enabled() const { return limits_.requests_per_minute > 0 || limits_.tokens_per_minute > 0; }
  size_t tracked_keys() const { return keys_.size(); }

 private:
  struct Bucket {
    double level = 0;
    net::TimePoint updated{};
  };
  struct KeyState {
    Bucket requests;
    Bucket tokens;
  };

  static void refill(Bucket& bucket, double capacity, net::TimePoint now);
  static std::chrono::microseconds time_to_reach(const Bucket& bucket, double capacity, double level);
  void forget_full_keys(net::TimePoint now);

  RateLimits limits_;
  size_t max_keys_;
  std::unordered_map<std::string, KeyState> keys_;
};

}  // namespace ragscale::sim
