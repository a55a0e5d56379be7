#include "serve/query/generation_stage.h"

#include <algorithm>
#include <random>

#include "serve/resilience/backoff.h"

namespace ragscale::serve {
namespace {

constexpr const char* kBackend = "llm";

double uniform01() {
  thread_local std::mt19937_64 random{std::random_device{}()};
  return std::uniform_real_distribution<double>(0.0, 1.0)(random);
}

// The model may be retried only when it certainly did no work or asked to be retried.
bool retry_safe(const ChatOutcome& outcome) {
  if (outcome.any_token) return false;
  if (outcome.failure == BackendFailure::kConnect) return true;
  return outcome.failure == BackendFailure::kNone && (outcome.status == 429 || outcome.status == 503);
}

GenerationOutcome failure(std::string reason, std::string detail = {}, bool any_token = false) {
  GenerationOutcome outcome;
  outcome.reason = std::move(reason);
  outcome.detail = std::move(detail);
  outcome.any_token = any_token;
  return outcome;
}

}  // namespace

struct GenerationStage::Attempt {
  GenerationCall call;
  std::function<void(std::string_view)> on_token;
  std::function<void(GenerationOutcome)> done;  // null for a probe nobody waits for
  std::function<void(std::string)> on_probe_answer;
  int number = 0;
  std::optional<ModelAdmission::Ticket> ticket;  // the place among calls in flight, if admitted
};

void GenerationStage::run(GenerationCall call, std::function<void(std::string_view)> on_token,
                          std::function<void(GenerationOutcome)> done,
                          std::function<void(std::string)> on_probe_answer) {
  auto now = Clock::now();
  if (now >= call.deadline) {
    done(failure("deadline", "no time left for the model before the request's deadline"));
    return;
  }
  if (!breaker_.try_acquire(now)) {
    metrics_.backend_call(kBackend, "rejected");
    done(failure("llm_circuit_open", "the model's circuit breaker is open"));
    return;
  }
  budget_.on_attempt(now);
  auto state = std::make_shared<Attempt>();
  state->number = 1;
  if (breaker_.state(now) == resilience::CircuitState::kHalfOpen) {
    // A probe: the user gets the fallback now; the probe has the model's whole timeout.
    done(failure("llm_circuit_open", "the model's circuit breaker is half-open; this call probes it"));
    call.cancel = nullptr;  // nobody's departure ends a probe
    state->call = std::move(call);
    state->on_probe_answer = std::move(on_probe_answer);
    attempt(std::move(state), now);
    return;
  }
  state->call = std::move(call);
  state->on_token = std::move(on_token);
  state->done = std::move(done);
  if (!admission_) {
    attempt(std::move(state), now);
    return;
  }
  admission_->acquire([this, state](std::optional<ModelAdmission::Ticket> ticket) mutable {
    auto granted_at = Clock::now();
    if (!ticket) {
      breaker_.on_released(granted_at);
      metrics_.backend_call(kBackend, "not_admitted");
      state->done(failure("overload", "no place among the model calls in flight within the wait allowed"));
      return;
    }
    state->ticket = ticket;
    if (granted_at >= state->call.deadline) {
      release(state, ModelAdmission::Outcome::kIgnored);
      breaker_.on_released(granted_at);
      state->done(failure("deadline", "no time left after waiting for the model"));
      return;
    }
    attempt(std::move(state), granted_at);
  });
}

void GenerationStage::attempt(std::shared_ptr<Attempt> state, Clock::time_point not_before) {
  auto now = Clock::now();
  BackendClient::CallOptions options;
  options.timeout = std::chrono::duration_cast<std::chrono::milliseconds>(state->call.deadline - now);
  options.connect_timeout = std::min(options_.connect_timeout, options.timeout);
  if (options_.first_token_timeout.count() > 0) {
    options.first_byte_timeout = std::min(options_.first_token_timeout, options.timeout);
  }
  options.not_before = not_before;
  auto any_token = std::make_shared<bool>(false);
  std::function<void(std::string_view)> on_token;
  if (state->on_token) {
    on_token = [state, any_token](std::string_view token) {
      *any_token = true;
      state->on_token(token);
    };
  }
  auto started = std::max(now, not_before);
  generator_.generate_async(
      state->call.question, state->call.sources, ChatParameters(state->call.temperature, state->call.max_tokens),
      options, on_token,
      [this, state, started](ChatOutcome outcome) { finished(state, started, std::move(outcome)); },
      state->call.cancel);
}

void GenerationStage::finished(const std::shared_ptr<Attempt>& state, Clock::time_point started,
                               ChatOutcome outcome) {
  auto now = Clock::now();
  auto took = now - std::min(started, now);
  if (outcome.error.empty()) {
    release(state, ModelAdmission::Outcome::kSuccess);
    breaker_.on_success(took, now);
    metrics_.backend_call(kBackend, "success");
    if (state->done) {
      GenerationOutcome answer;
      answer.ok = true;
      answer.text = std::move(outcome.text);
      answer.any_token = outcome.any_token;
      state->done(std::move(answer));
    } else if (state->on_probe_answer) {
      state->on_probe_answer(std::move(outcome.text));
    }
    return;
  }
  std::string reason;
  switch (outcome.failure) {
    case BackendFailure::kCancelled:
      breaker_.on_released(now);
      metrics_.backend_call(kBackend, "cancelled");
      reason = "cancelled";
      break;
    case BackendFailure::kShuttingDown:
      breaker_.on_released(now);
      reason = "shutting_down";
      break;
    case BackendFailure::kOverloaded:  // our own queue of calls was full: not the model's fault
      breaker_.on_released(now);
      metrics_.backend_call(kBackend, "overloaded");
      reason = "llm_overloaded";
      break;
    case BackendFailure::kTimeout:
      breaker_.on_failure(took, now);
      metrics_.backend_call(kBackend, "timeout");
      reason = "llm_timeout";
      break;
    default:
      breaker_.on_failure(took, now);
      // A 429 is the model's quota, told apart so a diagnosis can name rate limiting.
      metrics_.backend_call(kBackend,
                            outcome.failure == BackendFailure::kNone && outcome.status == 429 ? "rate_limited" : "error");
      reason = "llm_error";
      break;
  }
  if (retry_safe(outcome) && state->number < options_.max_attempts) {
    std::optional<Clock::duration> retry_after;
    if (outcome.retry_after) retry_after = *outcome.retry_after;
    auto delay = resilience::retry_delay(state->number, options_.backoff_base, options_.backoff_cap, uniform01(),
                                         retry_after, now, state->call.deadline);
    if (delay && budget_.try_retry(now) && breaker_.try_acquire(now)) {
      metrics_.retry(kBackend);
      ++state->number;
      attempt(state, now + *delay);
      return;
    }
  }
  // The model said it is overloaded (429, 503) or did not answer in time: the limit
  // comes down. Other failures say nothing about load.
  bool overloaded = outcome.failure == BackendFailure::kTimeout ||
                    (outcome.failure == BackendFailure::kNone && (outcome.status == 429 || outcome.status == 503));
  release(state, overloaded ? ModelAdmission::Outcome::kDropped : ModelAdmission::Outcome::kIgnored);
  if (state->done) state->done(failure(std::move(reason), std::move(outcome.error), outcome.any_token));
}

void GenerationStage::release(const std::shared_ptr<Attempt>& state, ModelAdmission::Outcome outcome) {
  if (!state->ticket) return;
  auto ticket = *state->ticket;
  state->ticket.reset();
  admission_->release(ticket, outcome);
}

}  // namespace ragscale::serve
