// Judging a response against a step's checks.
//
// Contract (order of judgement):
//   1. status in rate_limited -> kRateLimited; counts_as_failure = rate_limited_is_failure.
//   2. status 0 (no response) fails; otherwise the status must match check.status, or be
//      2xx/3xx when no status list is given (Locust's rule; so 429 fails unless listed).
//   3. contains, json_has, json_equals (body must be JSON for the last two).
//   4. max_latency.
// The first failing rule decides; its message is short and stable (no timings or body
// excerpts beyond JSON values) so failures group well in reports.
// needs_body tells the executor whether the body must be kept for checks, extraction,
// polling or a whole model answer's usage; when false it may discard the body unread.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "load/scenario/request_spec.h"
#include "load/scenario/response_body.h"

namespace ragscale::scenario {

struct CheckOutcome {
  enum Kind { kOk, kFailed, kRateLimited };
  Kind kind = kOk;
  bool counts_as_failure = false;
  std::string message;  // empty when kOk
};

bool needs_body(const RequestSpec& spec);

// Only rules 1-2: for intermediate poll attempts and bodiless outcomes.
CheckOutcome evaluate_status(const RequestSpec& spec, int status);

CheckOutcome evaluate(const RequestSpec& spec, int status, ResponseBody& body, uint64_t latency_us);
CheckOutcome evaluate(const RequestSpec& spec, int status, std::string_view body, uint64_t latency_us);

}  // namespace ragscale::scenario
