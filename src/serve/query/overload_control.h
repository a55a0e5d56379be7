// OverloadControl: how the service keeps overload cheap. Two things, decided as each
// question arrives:
//
// - Admission in front of the worker pool: an adaptive concurrency limit (Gradient2,
//   see resilience/concurrency_limit.h) over the questions being embedded and
//   retrieved. Past it a question is shed at once (503 with Retry-After), so the
//   workers' queue — and with it every answer's latency — stays bounded. A ticket spans
//   the question's time in the worker stage: queueing shows as rising latency and the
//   limit comes down by itself.
// - The degradation ladder (resilience/degradation_ladder.h): full → reduced (fewer
//   sources, shorter answers) → extractive (no model) → cached only → refuse. It moves
//   on the service's own pressure — the workers' queueing delay, the share of questions
//   shed, the model's breaker — sampled every `interval`, never on the model's queue
//   alone: a saturated model is the normal state under overload, handled per question
//   (ModelAdmission bounds its wait and the question falls back), and stepping the
//   whole service down for it would give up the full answers the model can still make.
//
// Contract: thread-safe. admit() returns the mode to answer in and, unless the
// question is shed or refused, a ticket to finish() when its retrieval is done.
// Probes and cached answers never come here (they are never shed).
#pragma once

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <optional>
#include <string>

#include "serve/query/pipeline_metrics.h"
#include "serve/resilience/concurrency_limit.h"
#include "serve/resilience/degradation_ladder.h"

namespace ragscale::serve {

class OverloadControl {
 public:
  using Clock = std::chrono::steady_clock;
  using Ticket = resilience::AdaptiveConcurrencyLimit::Ticket;
  using ServiceMode = resilience::ServiceMode;

  struct Options {
    resilience::ConcurrencyLimitOptions limit;
    resilience::DegradationLadderOptions ladder;
    std::chrono::milliseconds interval{250};
  };

  struct Admission {
    ServiceMode mode = ServiceMode::kFull;
    std::optional<Ticket> ticket;  // none: shed (or the mode refuses new work)
  };

  // `breaker_open` tells whether the model's breaker is open (null: no model).
  OverloadControl(Options options, std::function<bool()> breaker_open, PipelineMetrics& metrics);

  // The mode for a question now (for cache-only decisions), updating the ladder when an
  // interval has passed.
  ServiceMode mode(Clock::time_point now = Clock::now());
  // Admits a question that needs the worker stage.
  Admission admit(Clock::time_point now = Clock::now());
  // The question's retrieval ended; `queue_delay` is how long it waited for a worker.
  void finish(const Ticket& ticket, bool ok, std::chrono::duration<double> queue_delay);

  // Why the extractive rung answers without the model: "llm_circuit_open" while the
  // model's breaker is open, else "overload".
  std::string extractive_reason() const {
    return breaker_open_ && breaker_open_() ? "llm_circuit_open" : "overload";
  }
  size_t limit() const { return limit_.limit(); }
  size_t in_flight() const { return limit_.in_flight(); }

 private:
  void sample(Clock::time_point now);

  Options options_;
  std::function<bool()> breaker_open_;
  PipelineMetrics& metrics_;
  resilience::AdaptiveConcurrencyLimit limit_;
  resilience::DegradationLadder ladder_;
  std::mutex mutex_;  // the interval's counts
  Clock::time_point interval_start_;
  uint64_t admitted_ = 0;
  uint64_t shed_ = 0;
  double queue_delay_sum_ = 0;  // seconds: the interval's mean is the ladder's queue delay
  uint64_t queue_delay_samples_ = 0;
  std::atomic<int> mode_{static_cast<int>(ServiceMode::kFull)};
};

}  // namespace ragscale::serve
