// Client retries of a scenario step: which outcomes are retried and how long to wait first.
//
// Contract:
// - should_retry(spec, outcome) is true when the outcome is one the step's retry: policy
//   lists: a response whose status is in `statuses`, or a request that failed with no
//   response: kConnect (no byte reached the server: refused, unreachable, connect timeout),
//   kTimeout (any time limit) or kReset (the connection broke after the request went out).
//   A connect timeout is both kConnect and kTimeout; either listed retries it.
//   The caller also stops at spec.attempts attempts in all, and when the run is stopping.
// - backoff_delay(spec, retry, u, retry_after) is the wait before retry number `retry`
//   (1 for the first retry): exponential backoff with AWS's "full jitter"
//   (serve/resilience/backoff.h), a uniform draw in [0, min(cap, base * 2^(retry - 1))]
//   from the caller's u in [0, 1), or the ceiling itself without jitter. When the answer
//   carried a Retry-After the policy honours (delta-seconds or an HTTP date), that wait
//   replaces the backoff, bounded by cap so one answer cannot stall a user for long.
// Pure functions: no clock (an HTTP date is compared with `now`), no randomness of their own.
#pragma once

#include <chrono>
#include <optional>
#include <string_view>

#include "load/scenario/request_spec.h"

namespace ragscale::scenario {

struct AttemptOutcome {
  enum Kind { kResponse, kConnect, kTimeout, kConnectTimeout, kReset, kOther };
  Kind kind = kResponse;
  int status = 0;  // kResponse only
};

bool should_retry(const RetrySpec& spec, const AttemptOutcome& outcome);

std::chrono::microseconds backoff_delay(const RetrySpec& spec, int retry, double uniform01,
                                        std::optional<std::string_view> retry_after = std::nullopt,
                                        std::chrono::system_clock::time_point now = std::chrono::system_clock::now());

}  // namespace ragscale::scenario
