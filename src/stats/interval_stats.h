// IntervalStats: what one StatsShard recorded since its previous take_interval(), handed from a
// worker thread to the RunStats on the main thread.
//
// Contract: plain data, owned by value, safe to move across threads. `endpoints` is indexed by
// the shard's endpoint ids and carries each endpoint's (method, name) so the receiver can match
// endpoints across shards; entries with no activity have zero counts and an empty histogram.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "stats/error_kind.h"
#include "stats/latency_histogram.h"
#include "stats/llm_figures.h"

namespace ragscale {

struct IntervalEndpoint {
  std::string method;
  std::string name;
  uint64_t requests = 0;      // every completed request: successes, failures and rate-limited
  uint64_t failures = 0;      // includes rate-limited responses that count as failures
  uint64_t rate_limited = 0;  // rate-limited responses, whether or not they count as failures
  uint64_t bytes = 0;         // response bytes
  LatencyHistogram latency;   // every request's latency, failed or not (as Locust does)
  LlmFigures llm;             // streamed answers and SLO verdicts (empty when none)
  uint64_t retries = 0;       // attempts repeated by a step's retry policy (not in `requests`)
};

struct IntervalError {
  uint32_t endpoint_id = 0;  // index into IntervalStats::endpoints
  ErrorKind kind = ErrorKind::kOther;
  std::string message;
  uint64_t count = 0;
};

// A failure of the load generator itself rather than of a request (e.g. a scenario step that
// cannot build its request); reported like Locust's exceptions.
struct IntervalException {
  std::string message;
  uint64_t count = 0;
};

struct IntervalStats {
  std::vector<IntervalEndpoint> endpoints;
  std::vector<IntervalError> errors;
  std::vector<IntervalException> exceptions;
  uint64_t iterations = 0;  // scenario iterations completed
  uint64_t dropped = 0;     // open model: arrivals dropped because no virtual user was free
  uint64_t late = 0;        // open model: arrivals started after their scheduled time
  uint64_t tls_handshakes = 0;  // https: TLS handshakes completed (new connections)
  uint64_t tls_resumed = 0;     // of those, the ones that resumed an earlier session
};

}  // namespace ragscale
