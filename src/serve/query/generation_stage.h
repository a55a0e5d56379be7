// GenerationStage: the guarded call to the chat model. It asks the model's circuit
// breaker first, splits the time allowed into connect, first-token and total bounds
// within the request's deadline, retries only where that is safe, and says why when
// there is no answer so the pipeline can fall back.
//
// Contract:
// - run() returns at once; `done` runs exactly once (on the backend client's loop
//   thread, or at once on the calling thread when the call is refused up front).
// - Breaker open: done at once with reason "llm_circuit_open", no call made.
// - Breaker half-open: the call becomes a probe that no user waits for — done runs at
//   once ("llm_circuit_open") while the probe runs in the background with the full
//   time allowed; its outcome drives the breaker and a good answer reaches
//   `on_probe_answer` (the pipeline caches it). A hung model thus never holds a user.
// - Retries only before any token arrived and only for failures that prove the model
//   did no work or asks to be retried (connection not established, 429, 503), with
//   exponential backoff and full jitter, never sooner than Retry-After, only when the
//   retry can start before the deadline, and only within the retry budget (about 10%
//   extra calls), so an outage never multiplies load on the backend.
// - Outcomes feed the breaker: a cancelled call (every client left) or one refused by
//   our own bounded queue says nothing about the model and only releases its permit.
// - With a ModelAdmission, a call first waits (bounded) for a place among the calls in
//   flight; a call that gets none in time ends with reason "overload" and costs the
//   model nothing. The place is held across retries and released with the outcome.
// - Reasons: "llm_circuit_open", "llm_timeout", "llm_error", "llm_overloaded",
//   "overload", "deadline", "cancelled", "shutting_down".
#pragma once

#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "serve/backend/chat_generator.h"
#include "serve/query/model_admission.h"
#include "serve/query/pipeline_metrics.h"
#include "serve/resilience/circuit_breaker.h"
#include "serve/resilience/retry_budget.h"

namespace ragscale::serve {

struct GenerationCall {
  std::string question;
  std::vector<SourceText> sources;
  double temperature = 0;
  size_t max_tokens = 0;  // 0: the model's own limit
  std::chrono::steady_clock::time_point deadline;
  std::shared_ptr<CancelSignal> cancel;
};

struct GenerationOutcome {
  bool ok = false;
  std::string text;
  std::string reason;  // why there is no answer (see the contract); empty when ok
  std::string detail;  // the failure as the backend client saw it
  bool any_token = false;
};

class GenerationStage {
 public:
  using Clock = std::chrono::steady_clock;

  struct Options {
    std::chrono::milliseconds connect_timeout{2000};
    std::chrono::milliseconds first_token_timeout{0};  // 0: the total bound only
    int max_attempts = 3;
    std::chrono::milliseconds backoff_base{100};
    std::chrono::milliseconds backoff_cap{2000};
  };

  GenerationStage(ChatGenerator& generator, resilience::CircuitBreaker& breaker, resilience::RetryBudget& budget,
                  Options options, PipelineMetrics& metrics, ModelAdmission* admission = nullptr)
      : generator_(generator),
        breaker_(breaker),
        budget_(budget),
        options_(options),
        metrics_(metrics),
        admission_(admission) {}

  void run(GenerationCall call, std::function<void(std::string_view)> on_token,
           std::function<void(GenerationOutcome)> done, std::function<void(std::string)> on_probe_answer);

 private:
  struct Attempt;
  void attempt(std::shared_ptr<Attempt> state, Clock::time_point not_before);
  void finished(const std::shared_ptr<Attempt>& state, Clock::time_point started, ChatOutcome outcome);
  void release(const std::shared_ptr<Attempt>& state, ModelAdmission::Outcome outcome);

  ChatGenerator& generator_;
  resilience::CircuitBreaker& breaker_;
  resilience::RetryBudget& budget_;
  Options options_;
  PipelineMetrics& metrics_;
  ModelAdmission* admission_;
};

}  // namespace ragscale::serve
