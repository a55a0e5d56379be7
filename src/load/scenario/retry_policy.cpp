#include "load/scenario/retry_policy.h"

#include <algorithm>

#include "serve/backend/backend_client.h"
#include "serve/resilience/backoff.h"

namespace ragscale::scenario {

bool should_retry(const RetrySpec& spec, const AttemptOutcome& outcome) {
  switch (outcome.kind) {
    case AttemptOutcome::kResponse:
      return std::any_of(spec.statuses.begin(), spec.statuses.end(),
                         [&](const StatusRange& range) { return range.contains(outcome.status); });
    case AttemptOutcome::kConnect: return spec.on_connect;
    case AttemptOutcome::kTimeout: return spec.on_timeout;
    case AttemptOutcome::kConnectTimeout: return spec.on_connect || spec.on_timeout;
    case AttemptOutcome::kReset: return spec.on_reset;
    case AttemptOutcome::kOther: return false;
  }
  return false;
}

std::chrono::microseconds backoff_delay(const RetrySpec& spec, int retry, double uniform01,
                                        std::optional<std::string_view> retry_after,
                                        std::chrono::system_clock::time_point now) {
  using std::chrono::microseconds;
  if (retry_after && spec.honour_retry_after) {
    if (auto wait = serve::parse_retry_after(*retry_after, now)) {
      return std::min<microseconds>(*wait, spec.cap);
    }
  }
  const auto delay = serve::resilience::full_jitter_backoff(retry, spec.base, spec.cap, spec.jitter ? uniform01 : 1.0);
  return std::chrono::duration_cast<microseconds>(delay);
}

}  // namespace ragscale::scenario
