#include <algorithm>
#include <deque>
#include <map>

#include "diagnose/rules.h"

namespace ragscale::diagnose {
namespace {

constexpr double kSpikeFactor = 2.0;         // an event: p95 at ≥ 2× the baseline ...
constexpr double kFailureRise = 0.05;        // ... or failures ≥ 5 points above it
constexpr double kRecoveredFactor = 1.2;     // recovered: p95 ≤ 1.2× the baseline ...
constexpr double kRecoveredFailures = 0.01;  // ... and failures ≤ 1 point above it ...
constexpr int kHoldSeconds = 5;              // ... for 5 seconds in a row
// p95 changes smaller than this are a shared machine's scheduling noise, not an event.
constexpr double kNoiseMs = 5;
// The baseline: the last 10 seconds outside any event (at least 5 of them), after the
// first 2 seconds (connections opening, caches filling).
constexpr size_t kBaselineSeconds = 10;
constexpr size_t kMinBaselineSeconds = 5;
constexpr double kWarmUpSeconds = 2;
// The failure rate is taken over 5 seconds, and an event needs 5 failures in them, so one
// failed request of a slow run is no outage.
constexpr size_t kFailureWindow = 5;
constexpr double kMinFailures = 5;

struct Second {
  double t = 0;
  double requests = 0;
  double failures = 0;
  std::optional<double> p95_ms;
};

struct Baseline {
  std::deque<Second> seconds;  // the latest normal seconds

  bool ready() const { return seconds.size() >= kMinBaselineSeconds; }
  void add(const Second& second) {
    seconds.push_back(second);
    if (seconds.size() > kBaselineSeconds) seconds.pop_front();
  }
  // The median: a baseline a single slow second does not move.
  std::optional<double> p95_ms() const {
    std::vector<double> values;
    for (const auto& second : seconds) {
      if (second.p95_ms) values.push_back(*second.p95_ms);
    }
    return quantile_of(std::move(values), 0.5);
  }
  double failure_rate() const {
    double requests = 0, failures = 0;
    for (const auto& second : seconds) {
      requests += second.requests;
      failures += second.failures;
    }
    return requests > 0 ? failures / requests : 0;
  }
};

struct Event {
  double start = 0;
  double base_p95_ms = 0;
  double base_failures = 0;
  double peak_p95_ms = 0;
  double peak_failures = 0;
  std::optional<double> recovered_at;
};

std::string percent(double rate) { return number(rate * 100, 1) + "%"; }

}  // namespace

std::optional<Finding> check_recovery(const RunEvidence& run) {
  const Series& requests = run.requests_per_second();
  const Series& failures = run.failures_per_second();
  std::map<double, double> p95_at;
  for (size_t i = 0; i < run.p95_ms().size(); ++i) p95_at[run.p95_ms().t[i]] = run.p95_ms().v[i];

  std::vector<Second> seconds;
  for (size_t i = 0; i < requests.size() && i < failures.size(); ++i) {
    Second second{requests.t[i], requests.v[i], failures.v[i], std::nullopt};
    if (auto found = p95_at.find(requests.t[i]); found != p95_at.end()) second.p95_ms = found->second;
    seconds.push_back(second);
  }

  Baseline baseline;
  std::vector<Event> events;
  bool in_event = false;
  std::optional<double> recovering_since;
  int recovered_seconds = 0;
  for (size_t i = 0; i < seconds.size(); ++i) {
    const Second& second = seconds[i];
    double window_requests = 0, window_failures = 0;
    for (size_t j = i + 1 - std::min(i + 1, kFailureWindow); j <= i; ++j) {
      window_requests += seconds[j].requests;
      window_failures += seconds[j].failures;
    }
    // A second where nothing completed says nothing either way.
    if (window_requests <= 0) continue;
    const double failure_rate = window_failures / window_requests;
    if (!in_event) {
      if (second.t <= kWarmUpSeconds) continue;
      const auto base_p95 = baseline.p95_ms();
      if (baseline.ready() && base_p95) {
        const double base_failures = baseline.failure_rate();
        const bool slow = second.p95_ms && *second.p95_ms >= kSpikeFactor * *base_p95 &&
                          *second.p95_ms - *base_p95 >= kNoiseMs;
        const bool failing = failure_rate >= base_failures + kFailureRise && window_failures >= kMinFailures;
        if (slow || failing) {
          events.push_back({second.t, *base_p95, base_failures, second.p95_ms.value_or(0), failure_rate, std::nullopt});
          in_event = true;
          recovering_since.reset();
          recovered_seconds = 0;
          continue;
        }
      }
      baseline.add(second);
      continue;
    }
    Event& event = events.back();
    event.peak_p95_ms = std::max(event.peak_p95_ms, second.p95_ms.value_or(0));
    event.peak_failures = std::max(event.peak_failures, failure_rate);
    const double p95_limit = std::max(kRecoveredFactor * event.base_p95_ms, event.base_p95_ms + kNoiseMs);
    const bool back = second.p95_ms && *second.p95_ms <= p95_limit &&
                      failure_rate <= event.base_failures + kRecoveredFailures;
    if (!back) {
      recovering_since.reset();
      recovered_seconds = 0;
      continue;
    }
    if (!recovering_since) recovering_since = second.t;
    if (++recovered_seconds >= kHoldSeconds) {
      event.recovered_at = recovering_since;
      in_event = false;
    }
  }
  if (events.empty()) return std::nullopt;

  // Only the last event can still be open at the end.
  const bool unrecovered = !events.back().recovered_at;
  double longest = 0;
  for (const Event& event : events) {
    if (event.recovered_at) longest = std::max(longest, *event.recovered_at - event.start);
  }
  Finding finding;
  finding.rule = "recovery";
  // A description of how the target behaved, unless it never came back.
  finding.severity = unrecovered ? 0.55 : 0.3;
  finding.title = std::to_string(events.size()) + " latency or failure event(s): " +
                  (unrecovered ? "not recovered by the end of the run"
                                   : "recovered within " + number(longest, 0) + " s");
  finding.evidence.push_back("an event starts when the load's p95 (over its 10-s window) reaches ≥ " +
                             number(kSpikeFactor, 0) + "× the baseline (and ≥ " + number(kNoiseMs, 0) +
                             " ms above it), or the failure rate over 5 s ≥ baseline + " +
                             number(kFailureRise * 100, 0) + " points (≥ 5 failures); the baseline is the median p95 "
                             "and the failure rate of the last 10 seconds outside any event before it. Recovered: p95 ≤ " +
                             number(kRecoveredFactor, 1) + "× baseline and failures ≤ baseline + " +
                             number(kRecoveredFailures * 100, 0) + " point, held " + std::to_string(kHoldSeconds) +
                             " s (the window adds up to 10 s)");
  for (size_t i = 0; i < events.size() && i < 5; ++i) {
    const Event& event = events[i];
    std::string line = "t = " + number(event.start, 0) + " s: p95 " + number(event.base_p95_ms, 0) + " → peak " +
                       number(event.peak_p95_ms, 0) + " ms, failures " + percent(event.base_failures) + " → peak " +
                       percent(event.peak_failures) + "; ";
    line += event.recovered_at ? "recovered after " + number(*event.recovered_at - event.start, 0) + " s"
                               : "not recovered by the end of the run";
    finding.evidence.push_back(line);
  }
  finding.advice = unrecovered
                       ? "the load step or fault left the target past what it can take: the other findings name the "
                         "limit; a target should shed the excess (admission control, 503 with Retry-After) and "
                         "come back when the load does"
                       : "to recover faster, drain queues sooner (shorter timeouts, earlier shedding) and keep "
                         "retries within a budget so they do not prolong the event";
  return finding;
}

}  // namespace ragscale::diagnose
