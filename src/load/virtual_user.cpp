#include "load/virtual_user.h"

#include "http/request_format.h"
#include "load/llm/stream_event.h"
#include "load/scenario/checks.h"
#include "load/scenario/extraction.h"
#include "load/scenario/poll.h"
#include "load/scenario/retry_policy.h"
#include "load/worker.h"

namespace ragscale::load {

namespace {

using llm::micros_between;

ErrorKind error_kind_of(http::ClientError error) {
  switch (error) {
    case http::ClientError::kConnectionRefused: return ErrorKind::kConnectionRefused;
    case http::ClientError::kConnectionReset: return ErrorKind::kConnectionReset;
    case http::ClientError::kTimeout: return ErrorKind::kTimeout;
    case http::ClientError::kTlsCertificate: return ErrorKind::kTlsCertificate;
    case http::ClientError::kTlsHandshake: return ErrorKind::kTlsHandshake;
    default: return ErrorKind::kOther;
  }
}

scenario::AttemptOutcome attempt_outcome(const http::ClientResult& result) {
  using Outcome = scenario::AttemptOutcome;
  switch (result.error) {
    case http::ClientError::kNone: return {Outcome::kResponse, result.status};
    case http::ClientError::kConnectionRefused: return {Outcome::kConnect};
    case http::ClientError::kTimeout: return {result.connected ? Outcome::kTimeout : Outcome::kConnectTimeout};
    case http::ClientError::kConnectionReset: return {result.connected ? Outcome::kReset : Outcome::kConnect};
    case http::ClientError::kProtocol: return {Outcome::kOther};
    case http::ClientError::kOther: return {result.connected ? Outcome::kOther : Outcome::kConnect};
    // A refused certificate will be refused again: never worth a retry. A handshake that
    // failed otherwise is a connection that did not come up.
    case http::ClientError::kTlsCertificate: return {Outcome::kOther};
    case http::ClientError::kTlsHandshake: return {Outcome::kConnect};
  }
  return {Outcome::kOther};
}

}  // namespace

VirtualUser::VirtualUser(Worker& worker, const CompiledClass& user_class, uint64_t user_id, uint64_t seed, Mode mode)
    : worker_(worker),
      class_(user_class),
      mode_(mode),
      connection_(worker.loop(), user_class.target->address, this,
                  user_class.target->sources ? user_class.target->sources->next() : std::nullopt),
      rng_(seed ^ (user_id * 0x9E3779B97F4A7C15ULL)),
      wait_timer_([this] {
        if (steps_ != nullptr && step_index_ < steps_->size()) {
          run_steps();  // a poll interval or a retry backoff ended: send the step again
        } else {
          next_task();  // think time ended
        }
      }) {
  state_.user_id = user_id;
  if (user_class.target->tls) connection_.use_tls(*worker.tls_context(), user_class.target->tls_server_name);
}

VirtualUser::~VirtualUser() { worker_.loop().disarm(wait_timer_); }

void VirtualUser::start() { begin(); }

void VirtualUser::run_iteration(net::TimePoint intended) {
  intended_start_ = intended;
  use_intended_start_ = true;
  // on_start happens before the arrival's task, so the task's latency still counts
  // from the arrival: the time spent logging in is part of what the arrival waited.
  begin();
}

void VirtualUser::begin() {
  const bool run_on_start = on_start_pending_ && !class_.on_start.empty();
  on_start_pending_ = false;
  if (!run_on_start) {
    next_task();
    return;
  }
  steps_ = &class_.on_start;
  step_index_ = 0;
  task_start_ = net::Clock::now();
  run_steps();
}

void VirtualUser::stop() {
  stopping_ = true;
  if (connection_.busy()) return;
  if (retried_attempt_) {
    // Stopped during a retry backoff: the attempt that failed is the final outcome.
    const CompiledStep& step = (*steps_)[step_index_];
    const RetriedAttempt attempt = std::move(*retried_attempt_);
    retried_attempt_.reset();
    if (attempt.error != http::ClientError::kNone) {
      record_transport_failure(step, attempt.error, attempt.error_detail, attempt.latency_us, attempt.bytes);
    } else {
      scenario::ResponseBody body(std::string_view{});
      record_outcome(step, attempt.status, body, attempt.latency_us, attempt.bytes);
    }
  }
  halt();
}

void VirtualUser::next_task() {
  if (stopping_) return halt();
  if (mode_ == Mode::kClosed && !worker_.claim_iteration()) return halt();
  const auto& tasks = class_.tasks;
  size_t index = tasks.size() == 1 ? 0 : class_.spec->task_picker.pick(rng_);
  steps_ = &tasks[index].steps;
  step_index_ = 0;
  poll_attempts_ = 0;
  sent_in_task_ = false;
  ++state_.iteration;
  task_start_ = net::Clock::now();
  run_steps();
}

void VirtualUser::run_steps() {
  while (step_index_ < steps_->size()) {
    const CompiledStep& step = (*steps_)[step_index_];
    if (const std::string* missing = scenario::missing_var(*step.spec, state_)) {
      worker_.shard().record_exception("skipped " + step.spec->method + " " + step.spec->stats_name + " (" +
                                       step.spec->location + "): vars." + *missing + " is not set yet");
      ++step_index_;
      continue;
    }
    send_step(step);
    return;
  }
  task_done();
}

void VirtualUser::send_step(const CompiledStep& step) {
  std::string_view bytes;
  const bool retry = retries_ > 0;
  retried_attempt_.reset();
  if (!step.static_bytes.empty()) {
    bytes = step.static_bytes;
  } else if (retry) {
    bytes = request_bytes_;  // a retry sends what the first attempt sent
  } else {
    scenario::render_into(*step.spec, state_, rng_, rendered_);
    request_bytes_ = http::format_request(rendered_.method, rendered_.target, class_.target->host_header,
                                          rendered_.headers, rendered_.body);
    bytes = request_bytes_;
  }
  http::ClientConnection::RequestOptions options;
  options.capture_body = step.needs_body;
  options.head_request = step.head_request;
  options.timeout = worker_.request_timeout().value_or(step.spec->timeout);
  options.capture_headers = step.spec->retry && step.spec->retry->honour_retry_after;  // Retry-After
  // The first request of an open-model iteration is timed from when it should have
  // started; every other request from when it was sent; a retry from its first attempt.
  if (retry) {
    worker_.shard().record_retry(step.endpoint_id);  // counted when sent, so attempts = requests + retries
  } else {
    step_start_ = use_intended_start_ ? intended_start_ : net::Clock::now();
  }
  use_intended_start_ = false;
  sent_in_task_ = true;
  if (step.spec->stream) {
    stream_meter_.start(step_start_);
    const uint32_t endpoint = step.endpoint_id;
    options.on_body_piece = [this, endpoint](std::string_view piece) {
      stream_meter_.feed(piece, connection_.last_read_at(),
                         [this, endpoint](uint64_t gap_us) { worker_.shard().record_token_gap(endpoint, gap_us); });
    };
  }
  connection_.send(bytes, options);
}

void VirtualUser::on_response(http::ClientConnection&, const http::ClientResult& result) {
  const CompiledStep& step = (*steps_)[step_index_];
  const uint64_t latency_us = micros_between(step_start_, result.completed_at);
  if (step.spec->retry && retry_later(step, result, latency_us)) return;
  retries_ = 0;
  StatsShard& shard = worker_.shard();
  if (step.spec->stream && !finish_stream(step, result, latency_us)) {
    judge_slos(step, false, latency_us);
  } else if (result.error != http::ClientError::kNone) {
    judge_slos(step, false, latency_us);
    record_transport_failure(step, result.error, result.error_detail, latency_us, result.body_bytes);
  } else {
    scenario::ResponseBody body(result.body);
    if (step.spec->poll) {
      switch (scenario::decide_poll(*step.spec, body, ++poll_attempts_)) {
        case scenario::PollDecision::kRepeat: {
          scenario::CheckOutcome attempt = scenario::evaluate_status(*step.spec, result.status);
          if (attempt.kind == scenario::CheckOutcome::kOk) {
            shard.record_success(step.endpoint_id, latency_us, result.body_bytes);
          } else {
            record_outcome(step, result.status, body, latency_us, result.body_bytes);
          }
          if (stopping_) return halt();
          worker_.loop().arm(wait_timer_, net::Clock::now() + step.spec->poll->interval);
          return;
        }
        case scenario::PollDecision::kGaveUp:
          shard.record_failure(step.endpoint_id, latency_us, result.body_bytes, ErrorKind::kCheckFailed,
                               scenario::poll_gave_up_message(*step.spec));
          goto next_step;
        case scenario::PollDecision::kDone:
          break;
      }
    }
    const bool succeeded = record_outcome(step, result.status, body, latency_us, result.body_bytes);
    if (step.spec->stream && succeeded) {
      shard.record_stream(step.endpoint_id, stream_meter_.ttft_us(), stream_meter_.tpot_us(result.completed_at),
                          latency_us, stream_meter_.tokens());
    } else if (step.spec->whole_answer && succeeded) {
      const auto tokens = llm::classify_stream_event({}, result.body).usage_tokens;
      shard.record_stream(step.endpoint_id, latency_us, std::nullopt, latency_us, tokens.value_or(0));
    }
    judge_slos(step, succeeded, latency_us);
    if (!step.spec->extract.empty()) scenario::apply_extracts(*step.spec, body, state_);
  }
next_step:
  poll_attempts_ = 0;
  ++step_index_;
  if (stopping_) return halt();
  run_steps();
}

bool VirtualUser::finish_stream(const CompiledStep& step, const http::ClientResult& result, uint64_t latency_us) {
  const bool reset_mid_answer = result.error == http::ClientError::kConnectionReset &&
                                (result.body_bytes > 0 || stream_meter_.content_started());
  const bool ended_early = result.error == http::ClientError::kNone && result.status >= 200 && result.status < 300 &&
                           stream_meter_.cut_short();
  if (!reset_mid_answer && !ended_early) return true;
  worker_.shard().record_failure(step.endpoint_id, latency_us, result.body_bytes, ErrorKind::kStreamCut,
                                 reset_mid_answer ? "stream cut: connection lost before the end of the answer"
                                                  : "stream cut: the body ended before its end marker");
  return false;
}

void VirtualUser::judge_slos(const CompiledStep& step, bool succeeded, uint64_t latency_us) {
  const std::span<const llm::Slo> slos = worker_.slos();
  if (slos.empty()) return;
  bool good = succeeded;
  if (good) {
    llm::RequestFigures figures;
    figures.latency_us = latency_us;
    if (step.spec->stream) {
      figures.ttft_us = stream_meter_.ttft_us();
      figures.tpot_us = stream_meter_.tpot_us(step_start_ + std::chrono::microseconds(latency_us));
      figures.max_itl_us = stream_meter_.max_gap_us();
    }
    good = llm::meets_all(slos, figures);
  }
  worker_.shard().record_slo(step.endpoint_id, good);
}

bool VirtualUser::retry_later(const CompiledStep& step, const http::ClientResult& result, uint64_t latency_us) {
  const scenario::RetrySpec& retry = *step.spec->retry;
  if (stopping_ || retries_ + 1 >= retry.attempts) return false;
  if (!scenario::should_retry(retry, attempt_outcome(result))) return false;
  std::optional<std::string_view> retry_after;
  if (result.headers != nullptr) retry_after = result.headers->get("Retry-After");
  ++retries_;
  const auto delay = scenario::backoff_delay(retry, static_cast<int>(retries_), rng_.unit(), retry_after);
  retried_attempt_ = RetriedAttempt{result.error, result.error_detail, result.status, latency_us, result.body_bytes};
  worker_.loop().arm(wait_timer_, net::Clock::now() + delay);
  return true;
}

void VirtualUser::record_transport_failure(const CompiledStep& step, http::ClientError error,
                                           const std::string& detail, uint64_t latency_us, uint64_t bytes) {
  std::string message(http::to_string(error));
  if (error == http::ClientError::kOther || error == http::ClientError::kProtocol ||
      error == http::ClientError::kTlsHandshake) {
    message += ": " + detail;
  } else if (error == http::ClientError::kTlsCertificate) {
    message += ": " + detail + "; trust its CA with --ca-file FILE, or skip verification with --insecure";
  }
  worker_.shard().record_failure(step.endpoint_id, latency_us, bytes, error_kind_of(error), message);
}

bool VirtualUser::record_outcome(const CompiledStep& step, int status, scenario::ResponseBody& body,
                                 uint64_t latency_us, uint64_t bytes) {
  StatsShard& shard = worker_.shard();
  scenario::CheckOutcome outcome = scenario::evaluate(*step.spec, status, body, latency_us);
  switch (outcome.kind) {
    case scenario::CheckOutcome::kOk:
      shard.record_success(step.endpoint_id, latency_us, bytes);
      return true;
    case scenario::CheckOutcome::kRateLimited:
      shard.record_rate_limited(step.endpoint_id, latency_us, bytes, outcome.counts_as_failure);
      return false;
    case scenario::CheckOutcome::kFailed: {
      bool status_failed = scenario::evaluate_status(*step.spec, status).kind != scenario::CheckOutcome::kOk;
      shard.record_failure(step.endpoint_id, latency_us, bytes,
                           status_failed ? ErrorKind::kHttpStatus : ErrorKind::kCheckFailed, outcome.message);
      return false;
    }
  }
  return false;
}

void VirtualUser::task_done() {
  const bool was_on_start = steps_ == &class_.on_start;
  if (!was_on_start) worker_.shard().record_iteration();
  if (mode_ == Mode::kOpen) {
    if (was_on_start) {
      next_task();  // the arrival's own task follows its user's on_start
      return;
    }
    worker_.on_iteration_done(*this);
    return;
  }
  if (stopping_) return halt();
  auto elapsed = std::chrono::duration_cast<std::chrono::microseconds>(net::Clock::now() - task_start_);
  auto wait = was_on_start ? std::chrono::microseconds(0) : class_.spec->wait.next(rng_, elapsed);
  if (wait.count() > 0 || !sent_in_task_) {
    // A task whose steps were all skipped goes through the loop before the next one,
    // so a scenario that can never send cannot spin inside one callback.
    worker_.loop().arm(wait_timer_, net::Clock::now() + wait);
    steps_ = nullptr;
    return;
  }
  next_task();
}

void VirtualUser::halt() {
  if (halted_) return;
  halted_ = true;
  worker_.loop().disarm(wait_timer_);
  worker_.on_user_halted(*this);
}

}  // namespace ragscale::load
