// One HTTP step of a task, compiled: what to send, how to judge the response, what to
// remember from it and whether to repeat it.
//
// Contract: built by the scenario parser (or quick_scenario) and immutable afterwards.
// target already contains the base path of the user class's host and the query string;
// headers already merge defaults, user-class and step headers (step wins, names compared
// case-insensitively) and include Content-Type when the step has a body. Host,
// Content-Length and Connection are left to the HTTP codec.
#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "load/scenario/template.h"

namespace ragscale::scenario {

struct StatusRange {
  int low = 0, high = 0;  // inclusive
  bool contains(int status) const { return status >= low && status <= high; }
};

struct CheckSpec {
  std::vector<StatusRange> status;  // empty = 2xx and 3xx pass (Locust's rule)
  std::vector<std::string> contains;
  std::vector<std::string> json_has;                               // JSON pointers
  std::vector<std::pair<std::string, std::string>> json_equals;    // pointer -> expected JSON text
  std::optional<std::chrono::microseconds> max_latency;
};

struct ExtractSpec {
  std::string var;      // vars.NAME to set
  std::string pointer;  // JSON pointer into the response body, e.g. /access_token
};

struct PollSpec {
  std::string pointer;           // e.g. /status
  std::vector<std::string> in;   // stop when the value's text is one of these
  std::chrono::microseconds interval{500'000};
  uint32_t max_tries = 20;       // total attempts including the first
};

// Client retries of one step (retry: in a scenario; see retry_policy.h for the schedule).
struct RetrySpec {
  uint32_t attempts = 3;  // in all, the first included
  std::chrono::microseconds base{100'000};    // the first retry's ceiling; doubles per retry
  std::chrono::microseconds cap{2'000'000};   // no ceiling above it, nor a Retry-After wait
  bool jitter = true;                         // full jitter; false waits the ceiling itself
  bool honour_retry_after = true;
  std::vector<StatusRange> statuses;  // responses retried
  bool on_connect = false;  // the connection failed before the request was sent
  bool on_timeout = false;  // any time limit of the request ran out
  bool on_reset = false;    // the connection was reset or closed before the answer ended
};

struct HeaderSpec {
  std::string name;
  Template value;
};

struct RequestSpec {
  std::string method = "GET";
  std::string stats_name;  // name in statistics; defaults to the path template text
  Template target;         // path + "?" + query, URL-encoded when rendered
  std::vector<HeaderSpec> headers;
  Template body;
  bool has_body = false;

  CheckSpec check;
  std::vector<int> rate_limited;  // statuses counted as rate-limited rather than failed
  bool rate_limited_is_failure = false;
  std::vector<ExtractSpec> extract;
  std::optional<PollSpec> poll;
  std::optional<RetrySpec> retry;
  std::chrono::microseconds timeout{30'000'000};
  // The response is a Server-Sent Events stream (a model's answer): measure its time to
  // first token, inter-token gaps, tokens and end (load/llm/stream_meter.h).
  bool stream = false;
  // The response is a model's whole answer (not streamed): its output tokens are the body's
  // usage.completion_tokens (0 when it has none) and its time to first token its latency.
  bool whole_answer = false;

  std::vector<std::string> required_vars;  // every vars.NAME the templates read
  std::string location;                    // "file.yaml:12" for messages

  // True when nothing varies between renders: the executor may serialize it once.
  bool is_static() const;
};

}  // namespace ragscale::scenario
