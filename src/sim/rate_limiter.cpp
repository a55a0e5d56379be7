#include "sim/rate_limiter.h"

#include <cmath>

#include "common/duration.h"

namespace ragscale::sim {

namespace {

constexpr double kMicrosPerMinute = 60e6;

// OpenAI writes reset times like "1s", "6m0s" or "120ms"; millisecond precision is plenty.
std::string reset_text(std::chrono::microseconds time) {
  auto millis = std::chrono::duration_cast<std::chrono::milliseconds>(time + std::chrono::microseconds(999));
  return format_duration(std::chrono::duration_cast<std::chrono::microseconds>(millis));
}

}  // namespace

RateLimiter::RateLimiter(RateLimits limits, size_t max_keys) : limits_(limits), max_keys_(max_keys) {}

void RateLimiter::refill(Bucket& bucket, double capacity, net::TimePoint now) {
  if (now <= bucket.updated) return;
  double elapsed_us = std::chrono::duration<double, std::micro>(now - bucket.updated).count();
  bucket.level = std::min(capacity, bucket.level + elapsed_us * capacity / kMicrosPerMinute);
  bucket.updated = now;
}

std::chrono::microseconds RateLimiter::time_to_reach(const Bucket& bucket, double capacity, double level) {
  if (capacity <= 0 || bucket.level >= level) return std::chrono::microseconds(0);
  double micros = (level - bucket.level) * kMicrosPerMinute / capacity;
  return std::chrono::microseconds(static_cast<int64_t>(std::ceil(micros)));
}

void RateLimiter::forget_full_keys(net::TimePoint now) {
  const auto rpm = static_cast<double>(limits_.requests_per_minute);
  const auto tpm = static_cast<double>(limits_.tokens_per_minute);
  for (auto it = keys_.begin(); it != keys_.end();) {
    refill(it->second.requests, rpm, now);
    refill(it->second.tokens, tpm, now);
    bool full = it->second.requests.level >= rpm && it->second.tokens.level >= tpm;
    it = full ? keys_.erase(it) : std::next(it);
  }
}

RateDecision RateLimiter::admit(std::string_view key, uint64_t tokens, net::TimePoint now) {
  RateDecision decision;
  decision.requested_tokens = tokens;
  if (!enabled()) return decision;
  const auto rpm = static_cast<double>(limits_.requests_per_minute);
  const auto tpm = static_cast<double>(limits_.tokens_per_minute);

  auto found = keys_.find(std::string(key));
  if (found == keys_.end()) {
    if (keys_.size() >= max_keys_) forget_full_keys(now);
    KeyState fresh;
    fresh.requests = {rpm, now};
    fresh.tokens = {tpm, now};
    found = keys_.emplace(std::string(key), fresh).first;
  }
  KeyState& state = found->second;
  refill(state.requests, rpm, now);
  refill(state.tokens, tpm, now);

  const bool requests_short = rpm > 0 && state.requests.level < 1.0;
  const bool tokens_short = tpm > 0 && state.tokens.level < static_cast<double>(tokens);
  if (requests_short || tokens_short) {
    decision.allowed = false;
    decision.hit = requests_short ? RateLimitHit::kRequests : RateLimitHit::kTokens;
    decision.too_large = tpm > 0 && static_cast<double>(tokens) > tpm;
    if (!decision.too_large) {
      decision.retry_after = std::max(time_to_reach(state.requests, rpm, 1.0),
                                      time_to_reach(state.tokens, tpm, static_cast<double>(tokens)));
    }
  } else {
    if (rpm > 0) state.requests.level -= 1.0;
    if (tpm > 0) state.tokens.level -= static_cast<double>(tokens);
  }
  decision.remaining_requests = static_cast<uint64_t>(std::max(0.0, std::floor(state.requests.level)));
  decision.remaining_tokens = static_cast<uint64_t>(std::max(0.0, std::floor(state.tokens.level)));
  decision.reset_requests = time_to_reach(state.requests, rpm, rpm);
  decision.reset_tokens = time_to_reach(state.tokens, tpm, tpm);
  return decision;
}

void RateLimiter::add_headers(const RateDecision& decision, http::Headers& headers) const {
  if (limits_.requests_per_minute > 0) {
    headers.add("x-ratelimit-limit-requests", std::to_string(limits_.requests_per_minute));
    headers.add("x-ratelimit-remaining-requests", std::to_string(decision.remaining_requests));
    headers.add("x-ratelimit-reset-requests", reset_text(decision.reset_requests));
  }
  if (limits_.tokens_per_minute > 0) {
    headers.add("x-ratelimit-limit-tokens", std::to_string(limits_.tokens_per_minute));
    headers.add("x-ratelimit-remaining-tokens", std::to_string(decision.remaining_tokens));
    headers.add("x-ratelimit-reset-tokens", reset_text(decision.reset_tokens));
  }
  if (!decision.allowed && !decision.too_large) {
    auto millis = (decision.retry_after.count() + 999) / 1000;
    headers.add("Retry-After", std::to_string(std::max<int64_t>(1, (millis + 999) / 1000)));
    headers.add("retry-after-ms", std::to_string(std::max<int64_t>(1, millis)));
  }
}

std::string RateLimiter::refusal_message(const RateDecision& decision, std::string_view model) const {
  std::string message;
  if (decision.too_large) {
    message = "Request too large for " + std::string(model) + " on tokens per min (TPM): Limit " +
              std::to_string(limits_.tokens_per_minute) + ", Requested " + std::to_string(decision.requested_tokens) +
              ". The input or output tokens must be reduced in order to run successfully.";
    return message;
  }
  bool requests = decision.hit == RateLimitHit::kRequests;
  message = "Rate limit reached for " + std::string(model) + (requests ? " on requests per min (RPM): Limit " : " on tokens per min (TPM): Limit ") +
            std::to_string(requests ? limits_.requests_per_minute : limits_.tokens_per_minute) + ", Requested " +
            std::to_string(requests ? 1 : decision.requested_tokens) + ". Please try again in " +
            reset_text(decision.retry_after) + ".";
  return message;
}

}  // namespace ragscale::sim
