// One chat or text completion being generated: it waits for a generation slot, waits
// the time to first token, then produces its tokens one inter-token latency apart,
// either streamed as Server-Sent Events or sent whole when the last token is due.
//
// Contract: cheap per stream: one intrusive Timer armed for the next due token, no
// thread, no allocation per token beyond the output buffer. Token times are planned
// from the first token's time (not from when the loop got round to the previous one),
// and every token already due when the timer fires goes out in one write, so a busy
// loop batches instead of drifting. Time to first token runs from the slot grant, so
// time spent queued adds to what the client sees. A reset fault cuts the connection
// after its share of the tokens (at least one when streaming). A client that goes away
// mid-stream frees its slot at the next token; one that goes away while queued never
// takes a slot (GenerationSlots drops it).
#pragma once

#include <string>

#include "http/message.h"
#include "http/server.h"
#include "net/event_loop.h"
#include "sim/fault_injector.h"
#include "sim/openai_request.h"
#include "sim/openai_wire_format.h"
#include "sim/sim_state.h"
#include "sim/text_generator.h"

namespace ragscale::sim {

class Generation final : public PendingWork, public SlotWaiter {
 public:
  Generation(SimState& state, http::Responder responder, CompletionRequest request, FaultDecision fault,
             http::Headers extra_headers, net::TimePoint arrived);

  // Asks for a slot; generation starts now or when one frees up. Answers 503 at once
  // when the queue is full.
  void begin();
  void on_slot_granted() override;
  bool wanted() const override { return responder_.alive(); }
  void on_dropped() override;
  void cancel() override;
  bool queued() const { return phase_ == Phase::kQueued; }

 private:
  enum class Phase { kQueued, kWaitingFirstToken, kStreaming, kDone };

  void start_generating();
  void on_timer();
  void stream_due_tokens(net::TimePoint now);
  void answer_whole();
  void reset_connection();
  void finish();
  void advance_due_time();

  SimState& state_;
  http::Responder responder_;
  CompletionRequest request_;
  FaultDecision fault_;
  http::Headers extra_headers_;
  net::TimePoint arrived_;
  net::Timer timer_;
  Phase phase_ = Phase::kQueued;
  bool holds_slot_ = false;

  Answer answer_;
  std::string finish_reason_;
  CompletionIdentity identity_;
  std::unique_ptr<StreamChunkFormat> chunks_;
  size_t next_token_ = 0;
  size_t reset_after_tokens_ = 0;  // 0: no reset
  net::TimePoint next_due_;
  std::string output_;
};

}  // namespace ragscale::sim
