#include "sim/generation.h"

#include <chrono>
#include <cmath>

#include "sim/openai_wire_format.h"

namespace ragscale::sim {

namespace {

double seconds_between(net::TimePoint from, net::TimePoint to) {
  return std::chrono::duration<double>(to - from).count();
}

int64_t unix_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
}

}  // namespace

Generation::Generation(SimState& state, http::Responder responder, CompletionRequest request, FaultDecision fault,
                       http::Headers extra_headers, net::TimePoint arrived)
    : state_(state),
      responder_(std::move(responder)),
      request_(std::move(request)),
      fault_(fault),
      extra_headers_(std::move(extra_headers)),
      arrived_(arrived),
      timer_([this] { on_timer(); }) {}

void Generation::begin() {
  switch (state_.slots.acquire(*this)) {
    case GenerationSlots::Admission::kGranted:
      holds_slot_ = true;
      state_.metrics.observe_queue_wait(0);
      start_generating();
      return;
    case GenerationSlots::Admission::kQueued:
      phase_ = Phase::kQueued;
      return;
    case GenerationSlots::Admission::kRefused: {
      http::Headers headers = extra_headers_;
      headers.add("Retry-After", "1");
      responder_.send(503, "application/json",
                      openai_error_json("The server is overloaded: " + std::to_string(state_.slots.queued()) +
                                            " requests are already waiting for a generation slot. Retry shortly.",
                                        "server_error", "", "server_overloaded"),
                      headers);
      state_.metrics.count_request(request_.kind == CompletionKind::kChat ? "chat" : "completions", 503);
      phase_ = Phase::kDone;
      state_.retire(this);
      return;
    }
  }
}

void Generation::on_slot_granted() {
  holds_slot_ = true;
  state_.metrics.observe_queue_wait(seconds_between(arrived_, net::Clock::now()));
  start_generating();
}

void Generation::on_dropped() {
  state_.metrics.count_request(request_.kind == CompletionKind::kChat ? "chat" : "completions", 499);
  finish();
}

void Generation::start_generating() {
  const SimConfig& config = state_.config;
  auto target = static_cast<uint64_t>(std::llround(config.output_tokens.sample(state_.random)));
  target = std::max<uint64_t>(target, 1);
  finish_reason_ = "stop";
  if (request_.max_tokens && target > *request_.max_tokens) {
    target = *request_.max_tokens;
    finish_reason_ = "length";
  }
  answer_ = compose_answer(request_.prompt, request_.question, static_cast<size_t>(target), state_.random);
  identity_ = CompletionIdentity{request_.kind, completion_id(request_.kind, state_.random), unix_seconds(), request_.model};
  if (fault_.kind == FaultKind::kReset) {
    reset_after_tokens_ = std::max<size_t>(1, static_cast<size_t>(fault_.reset_fraction * static_cast<double>(answer_.token_count())));
  }
  auto first_token = config.time_to_first_token.sample_duration(state_.random) + fault_.slow_delay;
  next_due_ = net::Clock::now() + first_token;
  phase_ = Phase::kWaitingFirstToken;
  if (request_.stream) {
    state_.loop->arm(timer_, next_due_);
    return;
  }
  // A whole answer is due when its last token would have been; a reset comes when the
  // token it cuts at would have.
  size_t last = reset_after_tokens_ > 0 ? reset_after_tokens_ : answer_.token_count();
  net::TimePoint first_due = next_due_;
  for (size_t i = 1; i < last; ++i) next_due_ += config.inter_token_latency.sample_duration(state_.random);
  state_.metrics.observe_time_to_first_token(seconds_between(arrived_, first_due));
  state_.loop->arm(timer_, next_due_);
}

void Generation::advance_due_time() {
  next_due_ += state_.config.inter_token_latency.sample_duration(state_.random);
}

void Generation::on_timer() {
  if (!request_.stream) {
    if (reset_after_tokens_ > 0) reset_connection();
    else answer_whole();
    return;
  }
  stream_due_tokens(net::Clock::now());
}

void Generation::stream_due_tokens(net::TimePoint now) {
  output_.clear();
  if (phase_ == Phase::kWaitingFirstToken) {
    phase_ = Phase::kStreaming;
    ++state_.active_streams;
    responder_.start_stream(200, "text/event-stream", extra_headers_);
    chunks_ = std::make_unique<StreamChunkFormat>(identity_, request_.include_usage);
    chunks_->append_opening(output_);
    state_.metrics.observe_time_to_first_token(seconds_between(arrived_, now));
  }
  size_t written_before = next_token_;
  while (next_token_ < answer_.token_count() && next_due_ <= now) {
    chunks_->append_token(output_, answer_.token(next_token_));
    ++next_token_;
    if (next_token_ == reset_after_tokens_) break;
    if (next_token_ < answer_.token_count()) advance_due_time();
  }
  state_.metrics.add_streamed_chunks(next_token_ - written_before);
  state_.metrics.add_completion_tokens(next_token_ - written_before);
  bool complete = next_token_ == answer_.token_count() && reset_after_tokens_ == 0;
  if (complete) {
    chunks_->append_closing(output_, finish_reason_, {request_.prompt_tokens, answer_.token_count()});
  }
  bool client_there = responder_.write(output_);
  if (reset_after_tokens_ > 0 && next_token_ == reset_after_tokens_) {
    reset_connection();
    return;
  }
  if (!client_there) {
    state_.metrics.count_request(request_.kind == CompletionKind::kChat ? "chat" : "completions", 499);
    finish();
    return;
  }
  if (complete) {
    responder_.finish();
    state_.metrics.count_request(request_.kind == CompletionKind::kChat ? "chat" : "completions", 200);
    finish();
    return;
  }
  state_.loop->arm(timer_, next_due_);
}

void Generation::answer_whole() {
  Usage usage{request_.prompt_tokens, answer_.token_count()};
  responder_.send(200, "application/json", completion_json(identity_, answer_.text, finish_reason_, usage),
                  extra_headers_);
  state_.metrics.add_completion_tokens(answer_.token_count());
  state_.metrics.count_request(request_.kind == CompletionKind::kChat ? "chat" : "completions", 200);
  finish();
}

void Generation::reset_connection() {
  responder_.abort();
  state_.metrics.count_fault("reset");
  finish();
}

void Generation::finish() {
  if (phase_ == Phase::kDone) return;
  if (phase_ == Phase::kStreaming) --state_.active_streams;
  phase_ = Phase::kDone;
  state_.loop->disarm(timer_);
  if (holds_slot_) {
    holds_slot_ = false;
    state_.slots.release();  // may start a queued generation right here
  }
  state_.retire(this);
}

void Generation::cancel() {
  if (phase_ == Phase::kDone) return;
  if (phase_ == Phase::kQueued) {
    state_.slots.cancel(*this);
    http::Headers headers = extra_headers_;
    headers.add("Retry-After", "1");
    responder_.send(503, "application/json",
                    openai_error_json("The server is shutting down.", "server_error", "", "server_shutting_down"), headers);
  } else {
    responder_.abort();
  }
  finish();
}

}  // namespace ragscale::sim
